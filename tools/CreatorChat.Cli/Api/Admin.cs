using System.Text.Json;

namespace CreatorChat.Cli.Api;

public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

public sealed record User(Guid Id, string Email, string? Name, string Role, string Tier, bool Disabled, DateTimeOffset CreatedAt);

public sealed record UserChange(string? Tier, string? Role, bool? Disabled);

public sealed record AuditEntry(long Id, DateTimeOffset OccurredAt, string Event, Guid? ActorId, Guid? SubjectId, string? Ip, JsonElement Details);
