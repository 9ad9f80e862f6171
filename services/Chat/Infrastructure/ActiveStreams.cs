using System.Globalization;
using StackExchange.Redis;

namespace CreatorChat.Chat.Infrastructure;

/// <summary>
/// Answers in progress. Each replica counts its own and publishes the count to Redis every few
/// seconds under a key that expires, so <see cref="CountAllAsync"/> adds up every live replica and a
/// crashed one drops out by itself.
/// </summary>
public sealed class ActiveStreams(IConnectionMultiplexer redis, ChatMetrics metrics, ILogger<ActiveStreams> logger)
{
    public const string ReplicasKey = "chat:stream-replicas";
    public const string ReplicaKeyPrefix = "chat:streams:";
    public static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan ReportLifetime = TimeSpan.FromSeconds(10);

    private long _local;

    public string ReplicaId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    public long Local => Interlocked.Read(ref _local);

    public Lease Begin()
    {
        Interlocked.Increment(ref _local);
        metrics.StreamStarted();
        return new Lease(this);
    }

    public async Task ReportAsync()
    {
        if (!redis.IsConnected)
        {
            return;
        }

        var db = redis.GetDatabase();
        await db.StringSetAsync(ReplicaKeyPrefix + ReplicaId, Local.ToString(CultureInfo.InvariantCulture), ReportLifetime);
        await db.SetAddAsync(ReplicasKey, ReplicaId);
    }

    /// <summary>Answers in progress on every replica; this replica's alone when Redis is unavailable.</summary>
    public async Task<long> CountAllAsync()
    {
        if (!redis.IsConnected)
        {
            return Local;
        }

        try
        {
            var db = redis.GetDatabase();
            var replicas = (await db.SetMembersAsync(ReplicasKey).WaitAsync(TimeSpan.FromSeconds(1))).Select(r => (string)r!).ToList();
            if (replicas.Count == 0)
            {
                return Local;
            }

            var counts = await db.StringGetAsync(replicas.Select(r => (RedisKey)(ReplicaKeyPrefix + r)).ToArray()).WaitAsync(TimeSpan.FromSeconds(1));
            long total = 0;
            var sawSelf = false;
            for (var i = 0; i < replicas.Count; i++)
            {
                if (replicas[i] == ReplicaId)
                {
                    sawSelf = true;
                    total += Local; // our own count is always exact
                }
                else if (counts[i].IsNull)
                {
                    await db.SetRemoveAsync(ReplicasKey, replicas[i]); // a replica that stopped reporting
                }
                else if (long.TryParse((string?)counts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out var count))
                {
                    total += count;
                }
            }

            return sawSelf ? total : total + Local;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogDebug("Active streams of other replicas unavailable: {Reason}", ex.GetType().Name);
            return Local;
        }
    }

    private void End()
    {
        Interlocked.Decrement(ref _local);
        metrics.StreamEnded();
    }

    public sealed class Lease(ActiveStreams owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.End();
            }
        }
    }
}

/// <summary>Publishes this replica's active stream count while the service runs.</summary>
public sealed class ActiveStreamsReporter(ActiveStreams streams, TimeProvider timeProvider, ILogger<ActiveStreamsReporter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(ActiveStreams.ReportInterval, timeProvider);
        do
        {
            try
            {
                await streams.ReportAsync();
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                logger.LogDebug("Active stream count not reported: {Reason}", ex.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
