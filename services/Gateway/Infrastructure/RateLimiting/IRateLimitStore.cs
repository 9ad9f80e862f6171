namespace CreatorChat.Gateway.Infrastructure.RateLimiting;

/// <summary>Where counters live: Redis (shared, exact across replicas) or this process (fallback).</summary>
public interface IRateLimitStore
{
    /// <summary>Atomically checks the hourly and monthly chat limits and, only if both allow it, counts one message.</summary>
    /// <param name="monthlyQuota">Null for unlimited.</param>
    Task<(bool Allowed, long HourCount, long MonthCount)> ConsumeChatAsync(
        Guid userId, long hourlyLimit, long? monthlyQuota, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Gives back a message that never reached the model (the chat service failed).</summary>
    Task RefundChatAsync(Guid userId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Counts up to <paramref name="wanted"/> hits in a fixed window at once, as many as fit under the limit; refused
    /// hits are not counted, so a client that backs off recovers on time.
    /// </summary>
    /// <returns>How many were counted (0: the window is full) and the window's count after.</returns>
    Task<(long Granted, long Count)> TakeAsync(string key, long limit, long wanted, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The current count of a fixed window, without counting.</summary>
    Task<long> PeekAsync(string key, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken);

    Task<UsageCounters> UsageAsync(Guid userId, DateTimeOffset now, CancellationToken cancellationToken);
}
