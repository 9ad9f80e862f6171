using CreatorChat.ServiceDefaults.Data;
using CreatorChat.ServiceDefaults.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

public static class RedisExtensions
{
    /// <summary>
    /// Aspire's <see cref="StackExchange.Redis.IConnectionMultiplexer"/> for <c>ConnectionStrings:{connectionName}</c>
    /// (health check; tracing when spans are exported). It connects in the background and reconnects by itself (Aspire sets
    /// <c>abortConnect=false</c>), and start-up waits at most <see cref="RedisWarmup.Budget"/> for it (<see cref="RedisWarmup"/>), so a Redis outage never stops it.
    /// When <paramref name="requiredForReadiness"/> is false, an outage reports Degraded (still ready):
    /// the service has a fallback and should keep taking traffic.
    /// </summary>
    public static IHostApplicationBuilder AddRedisClient(
        this IHostApplicationBuilder builder, string connectionName, bool requiredForReadiness)
    {
        AspireHealthChecks.RequiredConnectionString(builder, connectionName);
        builder.AddRedisClient(
            connectionName,
            settings =>
            {
                settings.DisableAutoActivation = true;
                settings.DisableTracing |= !TelemetryExtensions.ExportsTelemetry(builder);
            },
            options => options.ConnectTimeout = Math.Min(options.ConnectTimeout, 5000));
        builder.Services.BoundHealthCheck(AspireHealthChecks.Redis, requiredForReadiness ? null : HealthStatus.Degraded);
        builder.Services.AddHostedService<RedisWarmup>();
        return builder;
    }
}
