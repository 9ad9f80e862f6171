using CreatorChat.ServiceDefaults.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

public static class RedisExtensions
{
    /// <summary>
    /// Registers a shared <see cref="IConnectionMultiplexer"/> for <c>ConnectionStrings:{connectionName}</c>.
    /// It connects in the background and reconnects by itself, so a Redis outage never stops start-up.
    /// When <paramref name="requiredForReadiness"/> is false, an outage reports Degraded (still ready):
    /// the service has a fallback and should keep taking traffic.
    /// </summary>
    public static IHostApplicationBuilder AddRedisClient(
        this IHostApplicationBuilder builder, string connectionName, bool requiredForReadiness = true)
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"Connection string '{connectionName}' is missing: set ConnectionStrings__{connectionName}.");
        }

        builder.Services.AddSingleton<IConnectionMultiplexer>(_ =>
        {
            var options = ConfigurationOptions.Parse(connectionString);
            options.AbortOnConnectFail = false;
            options.ConnectTimeout = Math.Min(options.ConnectTimeout, 5000);
            var multiplexer = ConnectionMultiplexer.Connect(options);
            // StackExchange.Redis 1.x completes every awaited call, in order, on its one socket-reader
            // thread, so the code after each await (ours) would run there, one request at a time.
            // 2.x dropped that ordering; delete this line with the upgrade (it is obsolete there).
            multiplexer.PreserveAsyncOrder = false;
            return multiplexer;
        });
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            connectionName,
            sp => new RedisHealthCheck(sp.GetRequiredService<IConnectionMultiplexer>()),
            requiredForReadiness ? HealthStatus.Unhealthy : HealthStatus.Degraded,
            [HealthTags.Ready],
            TimeSpan.FromSeconds(5)));
        return builder;
    }
}
