using System.Text.Json;
using CreatorChat.Gateway.Model;
using Dapper;
using Npgsql;

namespace CreatorChat.Gateway.Infrastructure.Identity;

/// <summary>Security events, append-only, readable by admins. Never holds passwords or tokens.</summary>
public sealed class AuditLog(NpgsqlDataSource dataSource, TimeProvider timeProvider, ILogger<AuditLog> logger)
{
    public const string Register = "register";
    public const string LoginSucceeded = "login_succeeded";
    public const string LoginFailed = "login_failed";
    public const string RefreshTokenReused = "refresh_token_reused";
    public const string UserUpdated = "user_updated";
    public const string AdminBootstrapped = "admin_bootstrapped";
    public const string Logout = "logout";

    public async Task WriteAsync(string @event, Guid? actorId, Guid? subjectId, string? ip, object? details, CancellationToken cancellationToken)
    {
        logger.LogInformation("Audit {AuditEvent} actor {ActorId} subject {SubjectId} from {ClientIp}", @event, actorId, subjectId, ip);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO audit_events (occurred_at, event, actor_id, subject_id, ip, details)
            VALUES (@Now, @Event, @ActorId, @SubjectId, @Ip, @Details::jsonb)
            """,
            new
            {
                Now = timeProvider.GetUtcNow(), Event = @event, ActorId = actorId, SubjectId = subjectId, Ip = ip,
                Details = JsonSerializer.Serialize(details ?? new { }, ApiJson.Options),
            },
            cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<AuditEntry>> ListAsync(string? @event, long? before, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(long Id, DateTimeOffset OccurredAt, string Event, Guid? ActorId, Guid? SubjectId, string? Ip, string Details)>(
            new CommandDefinition(
                """
                SELECT id, occurred_at, event, actor_id, subject_id, ip, details::text
                FROM audit_events
                WHERE (@Event::text IS NULL OR event = @Event) AND (@Before::bigint IS NULL OR id < @Before)
                ORDER BY id DESC LIMIT @Limit
                """,
                new { Event = @event, Before = before, Limit = limit }, cancellationToken: cancellationToken));
        return rows.Select(r => new AuditEntry(r.Id, r.OccurredAt, r.Event, r.ActorId, r.SubjectId, r.Ip, JsonDocument.Parse(r.Details).RootElement.Clone())).ToList();
    }
}
