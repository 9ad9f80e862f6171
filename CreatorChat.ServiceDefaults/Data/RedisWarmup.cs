using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace CreatorChat.ServiceDefaults.Data;

/// <summary>
/// Connects to Redis while the service starts, waiting at most <see cref="Budget"/>: a replica that takes traffic the
/// moment it is up (a burst of chat calls) then finds its connection ready, instead of every first request racing
/// the connect and falling back to per-replica decisions. A Redis that is down costs start-up only the budget; the
/// multiplexer keeps connecting in the background as before.
/// </summary>
internal sealed class RedisWarmup(IServiceProvider services) : IHostedService
{
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var connect = Task.Run(services.GetRequiredService<IConnectionMultiplexer>, cancellationToken);
        // A configuration error surfaces again on first use; here it must not become an unobserved exception.
        _ = connect.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        await Task.WhenAny(connect, Task.Delay(Budget, cancellationToken));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
