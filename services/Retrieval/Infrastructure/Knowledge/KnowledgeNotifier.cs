using CreatorChat.ServiceDefaults.Model;
using StackExchange.Redis;

namespace CreatorChat.Retrieval.Infrastructure.Knowledge;

/// <summary>An auto-reset wake-up for a background loop: <see cref="Set"/> wakes one pending or future wait.</summary>
public sealed class Signal
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Set()
    {
        try
        {
            _semaphore.Release();
        }
        catch (SemaphoreFullException)
        {
            // already set
        }
    }

    /// <returns>True when woken by <see cref="Set"/>, false on timeout.</returns>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _semaphore.WaitAsync(timeout, cancellationToken);
}

/// <summary>Wakes the count reporter when a creator's knowledge changed.</summary>
public sealed class KnowledgeChangedSignal
{
    public Signal Signal { get; } = new();
}

/// <summary>
/// Tells the platform a creator's knowledge changed: publishes the slug on <see cref="KnowledgeChanged.Channel"/> (chat drops its answer caches at once) and wakes the count reporter.
/// A lost message is harmless: <c>knowledge_version</c> is the source of truth and chat checks it.
/// </summary>
public sealed partial class KnowledgeNotifier(IConnectionMultiplexer redis, KnowledgeChangedSignal signal, ILogger<KnowledgeNotifier> logger)
{
    public async Task NotifyAsync(string creatorSlug)
    {
        signal.Signal.Set();
        try
        {
            await redis.GetSubscriber()
                .PublishAsync(KnowledgeChanged.Channel, creatorSlug)
                .WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogPublishFailed(logger, creatorSlug, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish the knowledge change of {CreatorSlug} on Redis: {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, string creatorSlug, string reason);
}
