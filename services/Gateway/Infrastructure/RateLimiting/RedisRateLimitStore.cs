using StackExchange.Redis;

namespace CreatorChat.Gateway.Infrastructure.RateLimiting;

/// <summary>
/// Counters in Redis, changed only inside Lua scripts: check and increment are one atomic step, so
/// limits hold exactly however many gateway replicas count at once.
/// </summary>
public sealed class RedisRateLimitStore(IConnectionMultiplexer redis, Microsoft.Extensions.Options.IOptions<RateLimitOptions> options) : IRateLimitStore
{
    private readonly string _prefix = options.Value.KeyPrefix;

    // KEYS: hour counter, month counter. ARGV: hourly limit, monthly quota (-1 = unlimited), hour TTL ms, month TTL ms.
    private const string ChatScript =
        """
        local h = tonumber(redis.call('GET', KEYS[1]) or '0')
        local m = tonumber(redis.call('GET', KEYS[2]) or '0')
        local quota = tonumber(ARGV[2])
        if h >= tonumber(ARGV[1]) or (quota >= 0 and m >= quota) then
          return {0, h, m}
        end
        h = redis.call('INCR', KEYS[1])
        if h == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
        m = redis.call('INCR', KEYS[2])
        if m == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[4]) end
        return {1, h, m}
        """;

    // KEYS: counter. ARGV: limit, TTL ms, hits wanted. Counts as many as fit; rejected hits are not counted.
    private const string FixedWindowScript =
        """
        local c = tonumber(redis.call('GET', KEYS[1]) or '0')
        local n = math.min(tonumber(ARGV[1]) - c, tonumber(ARGV[3]))
        if n <= 0 then return {0, c} end
        c = redis.call('INCRBY', KEYS[1], n)
        if c == n then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return {n, c}
        """;

    private const string RefundScript =
        """
        for i = 1, #KEYS do
          if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
        end
        return 1
        """;

    public async Task<(bool Allowed, long HourCount, long MonthCount)> ConsumeChatAsync(
        Guid userId, long hourlyLimit, long? monthlyQuota, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (hourKey, hourEnd) = HourKey(userId, now);
        var (monthKey, monthEnd) = MonthKey(userId, now);
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(
            ChatScript,
            [hourKey, monthKey],
            [hourlyLimit, monthlyQuota ?? -1, TtlMs(now, hourEnd), TtlMs(now, monthEnd)]).WaitAsync(cancellationToken))!;
        return ((long)result[0] == 1, (long)result[1], (long)result[2]);
    }

    public async Task RefundChatAsync(Guid userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await redis.GetDatabase().ScriptEvaluateAsync(RefundScript, [HourKey(userId, now).Key, MonthKey(userId, now).Key]).WaitAsync(cancellationToken);
    }

    public async Task<(long Granted, long Count)> TakeAsync(string key, long limit, long wanted, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (id, end) = RateLimitWindows.Fixed(now, window);
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(
            FixedWindowScript, [(RedisKey)$"{_prefix}{key}:{id}"], [limit, TtlMs(now, end), wanted]).WaitAsync(cancellationToken))!;
        return ((long)result[0], (long)result[1]);
    }

    public async Task<long> PeekAsync(string key, TimeSpan window, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var value = await redis.GetDatabase().StringGetAsync($"{_prefix}{key}:{RateLimitWindows.Fixed(now, window).Id}").WaitAsync(cancellationToken);
        return value.IsNull ? 0 : (long)value;
    }

    public async Task<UsageCounters> UsageAsync(Guid userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var values = await redis.GetDatabase().StringGetAsync([HourKey(userId, now).Key, MonthKey(userId, now).Key]).WaitAsync(cancellationToken);
        return new UsageCounters(values[0].IsNull ? 0 : (long)values[0], values[1].IsNull ? 0 : (long)values[1]);
    }

    private (RedisKey Key, DateTimeOffset End) HourKey(Guid userId, DateTimeOffset now)
    {
        var (id, end) = RateLimitWindows.Hour(now);
        return ($"{_prefix}chat:h:{userId:N}:{id}", end);
    }

    private (RedisKey Key, DateTimeOffset End) MonthKey(Guid userId, DateTimeOffset now)
    {
        var (id, end) = RateLimitWindows.Month(now);
        return ($"{_prefix}chat:m:{userId:N}:{id}", end);
    }

    // A minute past the window's end, so a slow clock on one replica never sees a fresh counter early.
    private static long TtlMs(DateTimeOffset now, DateTimeOffset end) => (long)(end - now).TotalMilliseconds + 60_000;
}
