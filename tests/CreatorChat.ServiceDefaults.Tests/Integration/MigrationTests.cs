using CreatorChat.ServiceDefaults.Data;
using CreatorChat.ServiceDefaults.Tests.Support;
using CreatorChat.Testing;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Xunit;

namespace CreatorChat.ServiceDefaults.Tests.Integration;

[Collection(InfrastructureCollection.Name)]
public sealed class MigrationTests(InfrastructureFixture infrastructure)
{
    private static readonly IReadOnlyList<MigrationScript> Scripts = MigrationScript.Discover(typeof(MigrationTests).Assembly);

    private static SchemaMigrator Migrator(string connectionString, IReadOnlyList<MigrationScript>? scripts = null) =>
        new(NpgsqlDataSource.Create(connectionString), connectionString, scripts ?? Scripts, NullLogger<SchemaMigrator>.Instance, TimeProvider.System);

    [Fact]
    public void Scripts_are_discovered_in_version_order()
    {
        Assert.Equal([1, 2], Scripts.Select(s => s.Version));
        Assert.Equal("create_widgets", Scripts[0].Name);
    }

    [Fact]
    public async Task Creates_the_database_applies_everything_once_and_is_idempotent()
    {
        var connectionString = infrastructure.NewDatabase("migrate");

        Assert.Equal(2, await Migrator(connectionString).MigrateAsync(CancellationToken.None));
        Assert.Equal(0, await Migrator(connectionString).MigrateAsync(CancellationToken.None));

        await using var connection = new NpgsqlConnection(connectionString);
        Assert.Equal(2, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM schema_migrations"));
        await connection.ExecuteAsync("INSERT INTO widgets (id, name, colour) VALUES (1, 'a', 'red')");
    }

    [Fact]
    public async Task Replicas_starting_together_apply_each_script_exactly_once()
    {
        var connectionString = infrastructure.NewDatabase("replicas");

        var applied = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => Migrator(connectionString).MigrateAsync(CancellationToken.None))));

        Assert.Equal(2, applied.Sum());
        await using var connection = new NpgsqlConnection(connectionString);
        Assert.Equal([1, 2], (await connection.QueryAsync<int>("SELECT version FROM schema_migrations ORDER BY version")).ToList());
    }

    [Fact]
    public async Task A_script_edited_after_it_was_applied_stops_start_up()
    {
        var connectionString = infrastructure.NewDatabase("drift");
        await Migrator(connectionString).MigrateAsync(CancellationToken.None);
        var edited = Scripts.Select(s => s.Version == 1 ? s with { Sql = s.Sql + "\n-- edited" } : s).ToList();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Migrator(connectionString, edited).MigrateAsync(CancellationToken.None));

        Assert.Contains("0001_create_widgets", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_script_rolls_back_and_is_not_recorded()
    {
        var connectionString = infrastructure.NewDatabase("broken");
        var broken = Scripts.Append(new MigrationScript(3, "broken", "CREATE TABLE gadgets (id int); SELECT no_such_function();")).ToList();

        await Assert.ThrowsAsync<PostgresException>(() => Migrator(connectionString, broken).MigrateAsync(CancellationToken.None));

        await using var connection = new NpgsqlConnection(connectionString);
        Assert.Equal(2, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM schema_migrations"));
        Assert.Null(await connection.ExecuteScalarAsync<string>("SELECT to_regclass('gadgets')::text"));
    }
}
