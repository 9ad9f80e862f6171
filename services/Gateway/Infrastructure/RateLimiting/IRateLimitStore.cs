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

    /// <summary>Counts one hit in a fixed window; allowed while the count stays within the limit.</summary>
    Task<(bool Allowed, long Count)> ConsumeAsync(string key, long limit, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The current count of a fixed window, without counting.</summary>
    Task<long> PeekAsync(string key, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken);

    Task<UsageCounters> UsageAsync(Guid userId, DateTimeOffset now, CancellationToken cancellationToken);
}
