using System.Diagnostics.Metrics;
using CreatorChat.Gateway.Model;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CreatorChat.Gateway.Infrastructure.RateLimiting;

/// <summary>
/// Decides every limit at the edge. Redis first (exact across replicas); when Redis is unreachable
/// or slow, this replica's own counters decide — never "allow everything" — and the fallback shows
/// in <c>/health</c> (Degraded) and in the <c>creatorchat.gateway.ratelimit.local_decisions</c> metric.
/// </summary>
public sealed class RateLimiter
{
    public const string MeterName = "CreatorChat.Gateway.RateLimiting";

    private readonly RedisRateLimitStore _redis;
    private readonly LocalRateLimitStore _local;
    private readonly RateLimitLeases _leases = new();
    private readonly IConnectionMultiplexer _connection;
    private readonly TimeProvider _timeProvider;
    private readonly RateLimitOptions _options;
    private readonly ILogger<RateLimiter> _logger;
    private readonly Counter<long> _decisions;

    // Breaker: 1 while Redis timed out or failed; requests then decide locally at once, and one probe in
    // the background closes it again as soon as Redis answers.
    private int _redisFailing;

    public RateLimiter(
        RedisRateLimitStore redis, LocalRateLimitStore local, IConnectionMultiplexer connection,
        TimeProvider timeProvider, IOptions<RateLimitOptions> options, IMeterFactory meterFactory, ILogger<RateLimiter> logger)
    {
        _redis = redis;
        _local = local;
        _connection = connection;
        _timeProvider = timeProvider;
        _options = options.Value;
        _logger = logger;
        var meter = meterFactory.Create(MeterName);
        _decisions = meter.CreateCounter<long>("creatorchat.gateway.ratelimit.decisions", description: "Rate limit decisions by scope, outcome and backend (redis or local).");
        meter.CreateObservableGauge("creatorchat.gateway.ratelimit.local_fallback", () => UsingLocalFallback ? 1 : 0,
            description: "1 while limits are decided per replica because Redis is unreachable.");
    }

    public RateLimitOptions Options => _options;

    /// <summary>True while decisions are made without Redis (disconnected, or not answering in time).</summary>
    public bool UsingLocalFallback => Volatile.Read(ref _redisFailing) == 1 || !_connection.IsConnected;

    /// <summary>How often the open breaker asks Redis whether it answers again.</summary>
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>One chat message: both the hourly request limit and the monthly quota of the user's tier.</summary>
    public async Task<(RateLimitDecision Hourly, RateLimitDecision? Monthly)> ConsumeChatAsync(Guid userId, TierLimits limits, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var ((allowed, hours, months), local) = await WithFallbackAsync(
            store => store.ConsumeChatAsync(userId, limits.HourlyRequests, limits.MonthlyMessages, now, cancellationToken), cancellationToken);

        // The script refuses on the hourly limit first; only if that had room did the monthly quota refuse.
        var hourlyBlocked = !allowed && hours >= limits.HourlyRequests;
        var monthlyBlocked = !allowed && !hourlyBlocked;
        var hourly = new RateLimitDecision(!hourlyBlocked, "hourly", limits.HourlyRequests, Math.Max(0, limits.HourlyRequests - hours), RateLimitWindows.Hour(now).End - now);
        RateLimitDecision? monthly = limits.MonthlyMessages is { } quota
            ? new RateLimitDecision(!monthlyBlocked, "monthly", quota, Math.Max(0, quota - months), RateLimitWindows.Month(now).End - now)
            : null;
        Record(allowed ? "allowed" : hourlyBlocked ? "hourly" : "monthly", "chat", local);
        return (hourly, monthly);
    }

    public async Task RefundChatAsync(Guid userId, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        await WithFallbackAsync(async store =>
        {
            await store.RefundChatAsync(userId, now, cancellationToken);
            return true;
        }, cancellationToken);
    }

    /// <summary>Counts one hit of a fixed-window limit, exactly across replicas (one trip to Redis per hit).</summary>
    public async Task<RateLimitDecision> ConsumeAsync(string scope, string key, long limit, TimeSpan window, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var ((granted, count), local) = await WithFallbackAsync(store => store.TakeAsync($"{scope}:{key}", limit, 1, window, now, cancellationToken), cancellationToken);
        var allowed = granted == 1;
        Record(allowed ? "allowed" : "blocked", scope, local);
        return new RateLimitDecision(allowed, scope, limit, Math.Max(0, limit - count), RateLimitWindows.Fixed(now, window).End - now);
    }

    /// <summary>
    /// Counts one hit of a high-volume fixed-window limit (the per-client API floor) without a trip to Redis for
    /// every hit: this replica takes <see cref="RateLimitLeases.Size"/> hits of the window at once and spends them
    /// here, and once Redis says the window is full it refuses until the window ends without asking again. However
    /// many replicas count, no more than the limit pass; a client spread over N replicas may be refused up to
    /// (N − 1) × the lease size early, since hits one replica took are not spent by another.
    /// </summary>
    public async Task<RateLimitDecision> ConsumeLeasedAsync(string scope, string key, long limit, TimeSpan window, CancellationToken cancellationToken)
    {
        var counter = $"{scope}:{key}";
        while (true)
        {
            var now = _timeProvider.GetUtcNow();
            var (id, end) = RateLimitWindows.Fixed(now, window);
            if (await _leases.SpendAsync(counter, id, end, now, async () =>
                    (await WithFallbackAsync(store => store.TakeAsync(counter, limit, RateLimitLeases.Size(limit), window, now, cancellationToken), cancellationToken)).Result)
                is var (allowed, counted, left))
            {
                Record(allowed ? "allowed" : "blocked", scope, UsingLocalFallback);
                return new RateLimitDecision(allowed, scope, limit, allowed ? Math.Max(0, limit - counted + left) : 0, end - now);
            }
        }
    }

    /// <summary>A decision on a fixed-window limit without counting (for "is this account locked?").</summary>
    public async Task<RateLimitDecision> PeekAsync(string scope, string key, long limit, TimeSpan window, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var (count, _) = await WithFallbackAsync(store => store.PeekAsync($"{scope}:{key}", window, now, cancellationToken), cancellationToken);
        return new RateLimitDecision(count < limit, scope, limit, Math.Max(0, limit - count), RateLimitWindows.Fixed(now, window).End - now);
    }

    public async Task<UsageCounters> UsageAsync(Guid userId, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        return (await WithFallbackAsync(store => store.UsageAsync(userId, now, cancellationToken), cancellationToken)).Result;
    }

    private async Task<(T Result, bool Local)> WithFallbackAsync<T>(Func<IRateLimitStore, Task<T>> action, CancellationToken cancellationToken)
    {
        if (_connection.IsConnected && Volatile.Read(ref _redisFailing) == 0)
        {
            try
            {
                return (await action(_redis).WaitAsync(_options.RedisTimeout, _timeProvider, cancellationToken), false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                OpenBreaker(ex);
            }
        }

        return (await action(_local), true);
    }

    private void OpenBreaker(Exception cause)
    {
        if (Interlocked.Exchange(ref _redisFailing, 1) == 1)
        {
            return;
        }

        _logger.LogError("Redis (cache) is not answering ({Reason}): rate limits are enforced per replica until it does", cause.GetType().Name);
        _ = ProbeUntilAnsweringAsync();
    }

    private async Task ProbeUntilAnsweringAsync()
    {
        while (true)
        {
            await Task.Delay(ProbeInterval, _timeProvider);
            try
            {
                await _connection.GetDatabase().PingAsync().WaitAsync(_options.RedisTimeout, _timeProvider);
                Volatile.Write(ref _redisFailing, 0);
                _logger.LogWarning("Redis (cache) answers again: rate limits are shared across replicas again");
                return;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // Still down: keep deciding locally.
            }
        }
    }

    private void Record(string outcome, string scope, bool local) =>
        _decisions.Add(1,
            new KeyValuePair<string, object?>("creatorchat.ratelimit.scope", scope),
            new KeyValuePair<string, object?>("creatorchat.ratelimit.outcome", outcome),
            new KeyValuePair<string, object?>("creatorchat.ratelimit.backend", local ? "local" : "redis"));
}
