using System.Reflection;
using CreatorChat.ServiceDefaults.Data;
using CreatorChat.ServiceDefaults.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Microsoft.Extensions.Hosting;

public static class PostgresExtensions
{
    /// <summary>
    /// Aspire's <see cref="NpgsqlDataSource"/> for <c>ConnectionStrings:{connectionName}</c> (health check,
    /// metrics, tracing when spans are exported), and our migrations: <paramref name="migrationsAssembly"/>'s embedded
    /// <c>Migrations/NNNN_name.sql</c> scripts are applied before the service starts serving.
    /// </summary>
    public static IHostApplicationBuilder AddNpgsqlDataSource(
        this IHostApplicationBuilder builder, string connectionName, Assembly migrationsAssembly)
    {
        var connectionString = AspireHealthChecks.RequiredConnectionString(builder, connectionName);
        builder.AddNpgsqlDataSource(connectionName, settings => settings.DisableTracing |= !TelemetryExtensions.ExportsTelemetry(builder));
        builder.Services.AddSingleton(sp => new SchemaMigrator(
            sp.GetRequiredService<NpgsqlDataSource>(),
            connectionString,
            MigrationScript.Discover(migrationsAssembly),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<SchemaMigrator>>(),
            sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddHostedService<SchemaMigrationService>();
        builder.Services.BoundHealthCheck(AspireHealthChecks.Postgres);
        return builder;
    }
}
