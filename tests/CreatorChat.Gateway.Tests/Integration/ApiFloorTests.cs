using CreatorChat.Gateway.Infrastructure.RateLimiting;
using CreatorChat.Gateway.Tests.Support;
using CreatorChat.Testing;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using Xunit;

namespace CreatorChat.Gateway.Tests.Integration;

/// <summary>The per-client API floor, decided from leases of the shared Redis counter (<see cref="RateLimiter.ConsumeLeasedAsync"/>).</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class ApiFloorTests(InfrastructureFixture infrastructure) : IAsyncLifetime
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    // Mid-window, so no burst of the test straddles two windows.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 8, 10, 30, 20, TimeSpan.Zero));
    private readonly RateLimitOptions _options = new() { KeyPrefix = $"test:floor:{Guid.NewGuid():N}:" };
    private readonly ServiceProvider _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private ConnectionMultiplexer _redis = null!;

    public async Task InitializeAsync() => _redis = await ConnectionMultiplexer.ConnectAsync(infrastructure.RedisConnectionString);

    public async Task DisposeAsync()
    {
        await _redis.DisposeAsync();
        await _metrics.DisposeAsync();
    }

    private RateLimiter Replica() => new(
        new RedisRateLimitStore(_redis, Options.Create(_options)), new LocalRateLimitStore(), _redis, _time,
        Options.Create(_options), _metrics.GetRequiredService<IMeterFactory>(), NullLogger<RateLimiter>.Instance);

    private async Task<long> SharedCountAsync(string client) =>
        (long)await _redis.GetDatabase().StringGetAsync($"{_options.KeyPrefix}api:{client}:{RateLimitWindows.Fixed(_time.GetUtcNow(), Minute).Id}");

    [Fact]
    public async Task Never_more_than_the_limit_pass_over_three_replicas_and_at_most_two_leases_go_unspent()
    {
        var replicas = new[] { Replica(), Replica(), Replica() };
        const long limit = 1_000; // leases of 10

        var decisions = await Task.WhenAll(Enumerable.Range(0, 1_200).Select(i =>
            replicas[i % 3].ConsumeLeasedAsync("api", "ip:203.0.113.7", limit, Minute, CancellationToken.None)));

        var allowed = decisions.Count(d => d.Allowed);
        Assert.InRange(allowed, limit - (2 * RateLimitLeases.Size(limit)), limit);
        Assert.Equal(limit, await SharedCountAsync("ip:203.0.113.7"));
        Assert.All(decisions.Where(d => !d.Allowed), d => Assert.Equal(0, d.Remaining));
        Assert.All(replicas, r => Assert.False(r.UsingLocalFallback));
    }

    [Fact]
    public async Task A_replica_asks_Redis_once_per_lease_and_not_again_once_the_window_is_full()
    {
        var replica = Replica();
        const long limit = 500; // leases of 5

        for (var i = 0; i < 5; i++)
        {
            Assert.True((await replica.ConsumeLeasedAsync("api", "user-a", limit, Minute, CancellationToken.None)).Allowed);
        }

        Assert.Equal(5, await SharedCountAsync("user-a")); // one trip for five requests

        // Another replica filled the window meanwhile: this one learns it on its next trip and then stops asking.
        await _redis.GetDatabase().StringSetAsync($"{_options.KeyPrefix}api:user-a:{RateLimitWindows.Fixed(_time.GetUtcNow(), Minute).Id}", limit);
        var refused = await replica.ConsumeLeasedAsync("api", "user-a", limit, Minute, CancellationToken.None);
        await _redis.GetDatabase().KeyDeleteAsync($"{_options.KeyPrefix}api:user-a:{RateLimitWindows.Fixed(_time.GetUtcNow(), Minute).Id}");
        var stillRefused = await replica.ConsumeLeasedAsync("api", "user-a", limit, Minute, CancellationToken.None);

        Assert.False(refused.Allowed);
        Assert.False(stillRefused.Allowed);
        Assert.Equal(0, await SharedCountAsync("user-a")); // decided here, without a trip

        _time.Advance(Minute); // a new window starts from a new lease
        Assert.True((await replica.ConsumeLeasedAsync("api", "user-a", limit, Minute, CancellationToken.None)).Allowed);
        Assert.Equal(5, await SharedCountAsync("user-a"));
    }

    [Fact]
    public async Task A_burst_on_one_replica_waits_for_one_trip_instead_of_leasing_per_request()
    {
        var replica = Replica();
        const long limit = 10_000; // leases of 100

        var decisions = await Task.WhenAll(Enumerable.Range(0, 250).Select(_ =>
            replica.ConsumeLeasedAsync("api", "ip:192.0.2.9", limit, Minute, CancellationToken.None)));

        Assert.All(decisions, d => Assert.True(d.Allowed));
        Assert.Equal(300, await SharedCountAsync("ip:192.0.2.9")); // three leases for 250 requests, 50 hits left here
    }

    [Fact]
    public async Task Without_Redis_the_floor_still_holds_on_this_replica()
    {
        var unreachable = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{FreePort.OutsideEphemeralRange()},abortConnect=false,connectTimeout=200");
        await using var _ = unreachable;
        var replica = new RateLimiter(
            new RedisRateLimitStore(unreachable, Options.Create(_options)), new LocalRateLimitStore(), unreachable, _time,
            Options.Create(_options), _metrics.GetRequiredService<IMeterFactory>(), NullLogger<RateLimiter>.Instance);

        var decisions = new List<RateLimitDecision>();
        for (var i = 0; i < 8; i++)
        {
            decisions.Add(await replica.ConsumeLeasedAsync("api", "ip:203.0.113.50", 5, Minute, CancellationToken.None));
        }

        Assert.True(replica.UsingLocalFallback);
        Assert.Equal([true, true, true, true, true, false, false, false], decisions.Select(d => d.Allowed));
    }

    [Fact]
    public async Task Small_limits_are_exact_one_hit_per_trip()
    {
        var replicas = new[] { Replica(), Replica() };

        var decisions = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            replicas[i % 2].ConsumeLeasedAsync("api", "ip:198.51.100.1", 25, Minute, CancellationToken.None)));

        Assert.Equal(25, decisions.Count(d => d.Allowed));
        Assert.Equal(1, RateLimitLeases.Size(25));
    }
}
