using System.Reflection;
using CreatorChat.ServiceDefaults.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Microsoft.Extensions.Hosting;

public static class PostgresExtensions
{
    /// <summary>
    /// Registers the <see cref="NpgsqlDataSource"/> for <c>ConnectionStrings:{connectionName}</c>, a
    /// readiness check, and — when <paramref name="migrationsAssembly"/> is given — applies that
    /// assembly's embedded <c>Migrations/NNNN_name.sql</c> scripts before the service starts serving.
    /// </summary>
    public static IHostApplicationBuilder AddNpgsqlDataSource(
        this IHostApplicationBuilder builder, string connectionName, Assembly? migrationsAssembly = null)
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"Connection string '{connectionName}' is missing: set ConnectionStrings__{connectionName}.");
        }

        var dataSourceBuilder = new NpgsqlDataSourceBuilder(connectionString) { Name = connectionName };
        builder.Services.AddSingleton(_ => dataSourceBuilder.Build());
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            connectionName,
            sp => new PostgresHealthCheck(sp.GetRequiredService<NpgsqlDataSource>()),
            HealthStatus.Unhealthy,
            [HealthTags.Ready],
            TimeSpan.FromSeconds(5)));

        if (migrationsAssembly is not null)
        {
            builder.Services.AddSingleton(sp => new SchemaMigrator(
                sp.GetRequiredService<NpgsqlDataSource>(),
                connectionString,
                MigrationScript.Discover(migrationsAssembly),
                sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<SchemaMigrator>>(),
                sp.GetRequiredService<TimeProvider>()));
            builder.Services.AddHostedService<SchemaMigrationService>();
        }

        return builder;
    }
}
