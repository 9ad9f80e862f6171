using Microsoft.Extensions.Hosting;

namespace CreatorChat.ServiceDefaults.Data;

/// <summary>Runs before the web server starts, so no request ever sees an old schema.</summary>
public sealed class SchemaMigrationService(SchemaMigrator migrator) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => migrator.MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
