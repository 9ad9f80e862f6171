using System.Collections.Concurrent;

namespace CreatorChat.Gateway.Infrastructure.RateLimiting;

/// <summary>
/// This replica's own counters, used only while Redis is unreachable. Limits then hold per replica
/// (N replicas allow up to N times the limit): degraded, reported in health and metrics, but never open.
/// </summary>
public sealed class LocalRateLimitStore : IRateLimitStore
{
    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);

    public Task<(bool Allowed, long HourCount, long MonthCount)> ConsumeChatAsync(
        Guid userId, long hourlyLimit, long? monthlyQuota, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var hour = Get($"chat:h:{userId:N}:{RateLimitWindows.Hour(now).Id}", RateLimitWindows.Hour(now).End, now);
        var month = Get($"chat:m:{userId:N}:{RateLimitWindows.Month(now).Id}", RateLimitWindows.Month(now).End, now);
        lock (hour)
        {
            lock (month)
            {
                if (hour.Count >= hourlyLimit || (monthlyQuota is { } quota && month.Count >= quota))
                {
                    return Task.FromResult((false, hour.Count, month.Count));
                }

                hour.Count++;
                month.Count++;
                return Task.FromResult((true, hour.Count, month.Count));
            }
        }
    }

    public Task RefundChatAsync(Guid userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var key in new[] { $"chat:h:{userId:N}:{RateLimitWindows.Hour(now).Id}", $"chat:m:{userId:N}:{RateLimitWindows.Month(now).Id}" })
        {
            if (_counters.TryGetValue(key, out var counter))
            {
                lock (counter)
                {
                    counter.Count = Math.Max(0, counter.Count - 1);
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task<(long Granted, long Count)> TakeAsync(string key, long limit, long wanted, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (id, end) = RateLimitWindows.Fixed(now, window);
        var counter = Get($"{key}:{id}", end, now);
        lock (counter)
        {
            var granted = Math.Clamp(limit - counter.Count, 0, wanted);
            counter.Count += granted;
            return Task.FromResult((granted, counter.Count));
        }
    }

    public Task<long> PeekAsync(string key, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult(_counters.TryGetValue($"{key}:{RateLimitWindows.Fixed(now, window).Id}", out var c) ? c.Count : 0);

    public Task<UsageCounters> UsageAsync(Guid userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        long Read(string key) => _counters.TryGetValue(key, out var c) && c.Expires > now ? c.Count : 0;
        return Task.FromResult(new UsageCounters(
            Read($"chat:h:{userId:N}:{RateLimitWindows.Hour(now).Id}"),
            Read($"chat:m:{userId:N}:{RateLimitWindows.Month(now).Id}")));
    }

    private Counter Get(string key, DateTimeOffset expires, DateTimeOffset now)
    {
        StaleEntries.Prune(_counters, now, static (counter, now) => counter.Expires <= now);
        return _counters.GetOrAdd(key, _ => new Counter { Expires = expires });
    }

    private sealed class Counter
    {
        public long Count { get; set; }

        public DateTimeOffset Expires { get; init; }
    }
}
