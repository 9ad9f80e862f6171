namespace CreatorChat.Creator.Model;

/// <summary>A creator as stored. The slug is the creator's public, permanent handle.</summary>
public sealed record Creator
{
    public required Guid Id { get; init; }
    public required string Slug { get; init; }
    public required string Name { get; init; }
    public string? Specialty { get; init; }
    public string? Description { get; init; }
    public string? AvatarUrl { get; init; }
    public string? Persona { get; init; }
    public Guid? OwnerId { get; init; }
    public bool IsActive { get; init; } = true;

    /// <summary>Searchable videos, as last reported by the retrieval service.</summary>
    public int VideoCount { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}
