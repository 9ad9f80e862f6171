using Dapper;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CreatorChat.ServiceDefaults.Data;

/// <summary>
/// Applies versioned migrations once per database. Replicas starting together serialise on a
/// Postgres advisory lock, so each script runs exactly once, in its own transaction; a script
/// edited after it was applied stops start-up instead of drifting silently.
/// </summary>
public sealed class SchemaMigrator(
    NpgsqlDataSource dataSource,
    string connectionString,
    IReadOnlyList<MigrationScript> scripts,
    ILogger<SchemaMigrator> logger,
    TimeProvider timeProvider)
{
    // An arbitrary constant: "CreatorChat migrations". Advisory locks are scoped to the current database.
    private const long LockKey = 0x4372_4368_4D69_6772;

    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromMinutes(2);

    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenWithRetryAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@LockKey)", new { LockKey }, cancellationToken: cancellationToken));
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer PRIMARY KEY,
                    name       text NOT NULL,
                    checksum   text NOT NULL,
                    applied_at timestamptz NOT NULL
                )
                """, cancellationToken: cancellationToken));

            var applied = (await connection.QueryAsync<(int Version, string Checksum)>(new CommandDefinition(
                "SELECT version, checksum FROM schema_migrations", cancellationToken: cancellationToken)))
                .ToDictionary(r => r.Version, r => r.Checksum);

            var count = 0;
            foreach (var script in scripts)
            {
                if (applied.TryGetValue(script.Version, out var checksum))
                {
                    if (!string.Equals(checksum, script.Checksum, StringComparison.Ordinal))
                    {
                        throw new InvalidOperationException(
                            $"Migration {script.Version:D4}_{script.Name} was changed after it was applied to database '{connection.Database}'. Add a new migration instead.");
                    }

                    continue;
                }

                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await connection.ExecuteAsync(new CommandDefinition(script.Sql, transaction: transaction, cancellationToken: cancellationToken));
                await connection.ExecuteAsync(new CommandDefinition(
                    "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (@Version, @Name, @Checksum, @AppliedAt)",
                    new { script.Version, script.Name, script.Checksum, AppliedAt = timeProvider.GetUtcNow() },
                    transaction, cancellationToken: cancellationToken));
                await transaction.CommitAsync(cancellationToken);
                logger.LogInformation("Applied migration {Version:D4}_{Name} to {Database}", script.Version, script.Name, connection.Database);
                count++;
            }

            if (count > 0)
            {
                // A migration may change session defaults (ALTER DATABASE … SET): sessions opened before it keep the old ones.
                dataSource.Clear();
            }

            return count;
        }
        finally
        {
            await connection.ExecuteAsync("SELECT pg_advisory_unlock(@LockKey)", new { LockKey });
        }
    }

    private async Task<NpgsqlConnection> OpenWithRetryAsync(CancellationToken cancellationToken)
    {
        var deadline = timeProvider.GetUtcNow() + StartupTimeout;
        var delay = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            try
            {
                return await dataSource.OpenConnectionAsync(cancellationToken);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InvalidCatalogName)
            {
                await CreateDatabaseAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException && timeProvider.GetUtcNow() < deadline)
            {
                logger.LogWarning("Database not reachable yet ({Reason}); retrying in {Delay}", ex.Message, delay);
                await Task.Delay(delay, timeProvider, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    // Aspire creates databases for us; plain servers (local run, managed Postgres) may not have them yet.
    private async Task CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        var maintenance = new NpgsqlConnectionStringBuilder(connectionString);
        var database = maintenance.Database ?? throw new InvalidOperationException("The connection string names no database.");
        maintenance.Database = "postgres";
        maintenance.Pooling = false;

        await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        var quoted = "\"" + database.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        try
        {
            await connection.ExecuteAsync(new CommandDefinition($"CREATE DATABASE {quoted}", cancellationToken: cancellationToken));
            logger.LogInformation("Created database {Database}", database);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another replica created it first.
        }
    }
}
