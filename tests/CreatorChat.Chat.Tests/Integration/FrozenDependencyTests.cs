using System.Diagnostics;
using System.Net;
using CreatorChat.Chat.Tests.Support;
using CreatorChat.Testing;
using Xunit;

namespace CreatorChat.Chat.Tests.Integration;

/// <summary>
/// Issue 9, items 11, 12 and 14: a PostgreSQL or Redis that is frozen (SIGSTOP: it accepts connections
/// and never answers) costs chat at most one short timeout; then chat fails fast with a 503 and
/// Retry-After (Postgres) or answers without its cache (Redis), and /health answers in time.
/// Each test freezes servers of its own, never the shared ones.
/// </summary>
public sealed class FrozenDependencyTests : IAsyncLifetime
{
    private readonly InfrastructureFixture _infrastructure = new();
    private ChatServiceFixture _chat = null!;

    public async Task InitializeAsync()
    {
        await _infrastructure.InitializeAsync();
        _chat = new ChatServiceFixture(_infrastructure);
        await _chat.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        ProcessFreezer.Thaw(_infrastructure.PostgresProcessId);
        ProcessFreezer.Thaw(_infrastructure.RedisProcessId);
        await _chat.DisposeAsync();
        await _infrastructure.DisposeAsync();
    }

    [Fact]
    public async Task A_frozen_postgres_costs_one_short_timeout_then_fails_fast_with_503_and_retry_after_and_recovers()
    {
        var fan = _chat.Fan(Guid.NewGuid());
        var conversation = (await ChatServiceFixture.AskAsync(fan, "Why knead bread dough?"))["conversation_id"]!.GetValue<Guid>();

        ProcessFreezer.Freeze(_infrastructure.PostgresProcessId);
        var slowest = TimeSpan.Zero;
        var timings = new List<TimeSpan>();
        for (var i = 0; i < 6; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await fan.PostJsonAsync("/api/v1/chat",
                new { creator_id = SampleKnowledge.Slug, message = $"What is the claw grip, take {i}?", conversation_id = i % 2 == 0 ? (Guid?)null : conversation });
            timings.Add(watch.Elapsed);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}: {body}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(response.Headers.RetryAfter);
            slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;
        }

        // The first call pays the budget (3 s, plus the half second Npgsql waits on a cancelled query) and opens the breaker.
        Assert.True(slowest < TimeSpan.FromSeconds(5), string.Join(", ", timings));
        Assert.True(timings.Skip(1).All(t => t < TimeSpan.FromSeconds(1)), string.Join(", ", timings));

        var health = Stopwatch.StartNew();
        using (var response = await _chat.Client(null).GetAsync(new Uri("/health", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("Unhealthy", await response.Content.ReadAsStringAsync());
        }

        Assert.True(health.Elapsed < TimeSpan.FromSeconds(3), health.Elapsed.ToString());

        ProcessFreezer.Thaw(_infrastructure.PostgresProcessId);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpStatusCode status;
        do
        {
            await Task.Delay(500);
            using var response = await fan.PostJsonAsync("/api/v1/chat", new { creator_id = SampleKnowledge.Slug, message = "What is the claw grip?", conversation_id = conversation });
            status = response.StatusCode;
        }
        while (status != HttpStatusCode.OK && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task A_frozen_redis_never_stalls_an_answer_and_health_reports_degraded_in_time()
    {
        var fan = _chat.Fan(Guid.NewGuid());
        await ChatServiceFixture.AskAsync(fan, "Why knead bread dough?");

        ProcessFreezer.Freeze(_infrastructure.RedisProcessId);
        var timings = new List<TimeSpan>();
        for (var i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            var answer = await ChatServiceFixture.AskAsync(fan, i % 2 == 0 ? "Why knead bread dough?" : $"What is the claw grip, take {i}?");
            timings.Add(watch.Elapsed);
            Assert.False(answer["cached"]!.GetValue<bool>());
        }

        Assert.True(timings.All(t => t < TimeSpan.FromSeconds(1.5)), string.Join(", ", timings));

        var health = Stopwatch.StartNew();
        using var response = await _chat.Client(null).GetAsync(new Uri("/health", UriKind.Relative));
        Assert.True(health.Elapsed < TimeSpan.FromSeconds(3), health.Elapsed.ToString());
        Assert.Equal("Degraded", await response.Content.ReadAsStringAsync());
    }
}
