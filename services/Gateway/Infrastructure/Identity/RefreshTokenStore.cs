using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace CreatorChat.Gateway.Infrastructure.Identity;

public enum RefreshOutcome
{
    Rotated,
    Unknown,
    Expired,

    /// <summary>An already-rotated token came back: it was stolen or replayed, so its whole family is revoked.</summary>
    Reused,
}

/// <summary>
/// Rotating refresh tokens, stored only as SHA-256 hashes. Each use marks the token used in the
/// same statement that checks it, so two concurrent refreshes with one token cannot both succeed.
/// </summary>
public sealed class RefreshTokenStore(NpgsqlDataSource dataSource, TimeProvider timeProvider)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    public async Task<string> IssueAsync(Guid userId, Guid? familyId, CancellationToken cancellationToken)
    {
        var token = "rt_" + Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO refresh_tokens (token_hash, user_id, family_id, created_at, expires_at)
            VALUES (@Hash, @UserId, @FamilyId, @Now, @ExpiresAt)
            """,
            new { Hash = Hash(token), UserId = userId, FamilyId = familyId ?? Guid.NewGuid(), Now = now, ExpiresAt = now + Lifetime },
            cancellationToken: cancellationToken));
        return token;
    }

    /// <returns>The outcome and, when rotated, the user and family to issue the next token for.</returns>
    public async Task<(RefreshOutcome Outcome, Guid UserId, Guid FamilyId)> UseAsync(string token, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var hash = Hash(token);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var claimed = await connection.QuerySingleOrDefaultAsync<TokenRow>(new CommandDefinition(
            """
            UPDATE refresh_tokens SET used_at = @Now
            WHERE token_hash = @Hash AND used_at IS NULL AND revoked_at IS NULL
            RETURNING user_id AS UserId, family_id AS FamilyId, expires_at AS ExpiresAt
            """,
            new { Hash = hash, Now = now }, cancellationToken: cancellationToken));
        if (claimed is not null)
        {
            var row = claimed;
            return row.ExpiresAt <= now ? (RefreshOutcome.Expired, row.UserId, row.FamilyId) : (RefreshOutcome.Rotated, row.UserId, row.FamilyId);
        }

        var known = await connection.QuerySingleOrDefaultAsync<TokenRow>(new CommandDefinition(
            "SELECT user_id AS UserId, family_id AS FamilyId, expires_at AS ExpiresAt FROM refresh_tokens WHERE token_hash = @Hash", new { Hash = hash }, cancellationToken: cancellationToken));
        if (known is not { } reused)
        {
            return (RefreshOutcome.Unknown, Guid.Empty, Guid.Empty);
        }

        await RevokeFamilyAsync(reused.FamilyId, cancellationToken);
        return (RefreshOutcome.Reused, reused.UserId, reused.FamilyId);
    }

    public async Task RevokeFamilyAsync(Guid familyId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE refresh_tokens SET revoked_at = @Now WHERE family_id = @FamilyId AND revoked_at IS NULL",
            new { FamilyId = familyId, Now = timeProvider.GetUtcNow() }, cancellationToken: cancellationToken));
    }

    public async Task RevokeAllAsync(Guid userId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE refresh_tokens SET revoked_at = @Now WHERE user_id = @UserId AND revoked_at IS NULL",
            new { UserId = userId, Now = timeProvider.GetUtcNow() }, cancellationToken: cancellationToken));
    }

    public async Task<Guid?> FamilyOfAsync(string token, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<Guid?>(new CommandDefinition(
            "SELECT family_id FROM refresh_tokens WHERE token_hash = @Hash", new { Hash = Hash(token) }, cancellationToken: cancellationToken));
    }

    private sealed class TokenRow
    {
        public Guid UserId { get; init; }
        public Guid FamilyId { get; init; }
        public DateTimeOffset ExpiresAt { get; init; }
    }

    private static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
