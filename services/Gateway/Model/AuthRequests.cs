namespace CreatorChat.Gateway.Model;

public sealed record RegisterRequest(string? Email, string? Password, string? Name);

public sealed record LoginRequest(string? Email, string? Password);

public sealed record RefreshRequest(string? RefreshToken);

/// <summary>The web app gets its refresh token as an HttpOnly cookie instead, so then it is absent here.</summary>
public sealed record TokenResponse(
    string AccessToken, string TokenType, int ExpiresIn,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? RefreshToken);

public sealed record Usage(long MessagesThisMonth, long? MonthlyQuota, long RequestsThisHour, long HourlyLimit);

public sealed record MeResponse(Guid Id, string Email, string? Name, string Role, string Tier, Usage Usage);

public sealed record UpdateUserRequest(string? Tier, string? Role, bool? Disabled);

public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

public sealed record AuditEntry(long Id, DateTimeOffset OccurredAt, string Event, Guid? ActorId, Guid? SubjectId, string? Ip, System.Text.Json.JsonElement Details);
