namespace CreatorChat.Chat.Model;

/// <summary>The creator as the creator service describes it to other services.</summary>
public sealed record CreatorProfile(
    Guid Id, string Slug, string Name, string? Specialty, string? Description, string? AvatarUrl,
    string? Persona, Guid? OwnerId, bool IsActive, DateTimeOffset? CreatedAt = null);
