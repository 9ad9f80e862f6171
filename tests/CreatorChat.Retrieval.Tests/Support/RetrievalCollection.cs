using CreatorChat.Retrieval.Infrastructure;
using CreatorChat.ServiceDefaults.Data;
using CreatorChat.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CreatorChat.Retrieval.Tests.Support;

/// <summary>Tests on the real Postgres and Redis: one server pair for the whole assembly, a fresh database per class.</summary>
[CollectionDefinition(Name)]
public sealed class RetrievalCollection : ICollectionFixture<InfrastructureFixture>
{
    public const string Name = "retrieval-infrastructure";
}

public static class TestDatabase
{
    /// <summary>A new, migrated retrieval database; returns its connection string.</summary>
    public static async Task<string> CreateAsync(InfrastructureFixture infrastructure)
    {
        var connectionString = infrastructure.NewDatabase("retrieval");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var migrator = new SchemaMigrator(
            dataSource, connectionString, MigrationScript.Discover(typeof(RetrievalDatabase).Assembly),
            NullLogger<SchemaMigrator>.Instance, TimeProvider.System);
        await migrator.MigrateAsync(CancellationToken.None);
        return connectionString;
    }
}
