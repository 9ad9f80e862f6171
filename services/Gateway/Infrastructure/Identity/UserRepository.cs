using CreatorChat.Gateway.Model;
using Dapper;
using Npgsql;

namespace CreatorChat.Gateway.Infrastructure.Identity;

public sealed class UserRepository(NpgsqlDataSource dataSource, TimeProvider timeProvider)
{
    private const string Columns =
        "id AS Id, email AS Email, name AS Name, password_hash AS PasswordHash, role AS Role, tier AS Tier, " +
        "disabled AS Disabled, created_at AS CreatedAt, updated_at AS UpdatedAt";

    /// <returns>The new user, or null when the email is taken.</returns>
    public async Task<User?> CreateAsync(string email, string? name, string passwordHash, string role, string tier, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<User>(new CommandDefinition(
            $"""
            INSERT INTO users (id, email, name, password_hash, role, tier, disabled, created_at, updated_at)
            VALUES (@Id, @Email, @Name, @PasswordHash, @Role, @Tier, false, @Now, @Now)
            ON CONFLICT (email) DO NOTHING
            RETURNING {Columns}
            """,
            new { Id = Guid.CreateVersion7(now), Email = email, Name = name, PasswordHash = passwordHash, Role = role, Tier = tier, Now = now },
            cancellationToken: cancellationToken));
    }

    public async Task<User?> FindByEmailAsync(string email, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<User>(new CommandDefinition(
            $"SELECT {Columns} FROM users WHERE email = @Email", new { Email = email }, cancellationToken: cancellationToken));
    }

    public async Task<User?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<User>(new CommandDefinition(
            $"SELECT {Columns} FROM users WHERE id = @Id", new { Id = id }, cancellationToken: cancellationToken));
    }

    public async Task UpdatePasswordHashAsync(Guid id, string passwordHash, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET password_hash = @PasswordHash WHERE id = @Id", new { Id = id, PasswordHash = passwordHash }, cancellationToken: cancellationToken));
    }

    public async Task<User?> UpdateAsync(Guid id, string? tier, string? role, bool? disabled, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<User>(new CommandDefinition(
            $"""
            UPDATE users SET tier = COALESCE(@Tier, tier), role = COALESCE(@Role, role), disabled = COALESCE(@Disabled, disabled), updated_at = @Now
            WHERE id = @Id
            RETURNING {Columns}
            """,
            new { Id = id, Tier = tier, Role = role, Disabled = disabled, Now = timeProvider.GetUtcNow() },
            cancellationToken: cancellationToken));
    }

    /// <summary>Newest first; the cursor is the last id seen (ids are time-ordered UUIDv7).</summary>
    public async Task<IReadOnlyList<User>> ListAsync(string? search, Guid? before, int limit, CancellationToken cancellationToken)
    {
        var pattern = string.IsNullOrWhiteSpace(search)
            ? null
            : "%" + search.Trim().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<User>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM users
            WHERE (@Pattern::text IS NULL OR email ILIKE @Pattern OR name ILIKE @Pattern)
              AND (@Before::uuid IS NULL OR id < @Before)
            ORDER BY id DESC
            LIMIT @Limit
            """,
            new { Pattern = pattern, Before = before, Limit = limit }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT count(*) FROM users", cancellationToken: cancellationToken));
    }
}
