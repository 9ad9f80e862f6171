namespace CreatorChat.Creator.Model;

/// <summary>What fans see: no persona (it holds the bot's rules), no owner.</summary>
public sealed record PublicCreator(
    Guid Id, string Slug, string Name, string? Specialty, string? Description, string? AvatarUrl, int VideoCount,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static PublicCreator From(Creator c) =>
        new(c.Id, c.Slug, c.Name, c.Specialty, c.Description, c.AvatarUrl, c.VideoCount, c.CreatedAt, c.UpdatedAt);
}

/// <summary>PUT /internal/v1/creators/{slug}/knowledge, from the retrieval service.</summary>
public sealed record KnowledgeCountsReport(int? VideoCount, int? ChunkCount, long? KnowledgeVersion);

/// <summary>What other services (chat, the gateway's ownership checks) need.</summary>
public sealed record CreatorProfile(
    Guid Id, string Slug, string Name, string? Specialty, string? Description, string? AvatarUrl,
    string? Persona, Guid? OwnerId, bool IsActive)
{
    public static CreatorProfile From(Creator c) =>
        new(c.Id, c.Slug, c.Name, c.Specialty, c.Description, c.AvatarUrl, c.Persona, c.OwnerId, c.IsActive);
}

public sealed record CreatorStats(long Creators);
