using System.Diagnostics;
using System.Net;
using CreatorChat.Retrieval.Tests.Support;
using CreatorChat.Testing;

namespace CreatorChat.Retrieval.Tests.Integration.Api;

/// <summary>
/// Issue 9, item 14: a frozen dependency (SIGSTOP: it accepts connections and never answers) never stalls retrieval's
/// /health. PostgreSQL frozen → Unhealthy, Redis (optional) frozen → Degraded, each within the short budget, and
/// Healthy again once thawed. Each test freezes servers of its own, never the shared ones.
/// </summary>
public sealed class FrozenDependencyTests : IAsyncLifetime
{
    private readonly InfrastructureFixture _infrastructure = new();
    private RetrievalServiceFixture _service = null!;

    public async Task InitializeAsync()
    {
        await _infrastructure.InitializeAsync();
        _service = new RetrievalServiceFixture(_infrastructure);
        await _service.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        ProcessFreezer.Thaw(_infrastructure.PostgresProcessId);
        ProcessFreezer.Thaw(_infrastructure.RedisProcessId);
        await _service.DisposeAsync();
        await _infrastructure.DisposeAsync();
    }

    [Fact]
    public async Task A_frozen_postgres_makes_health_unhealthy_in_time_and_healthy_once_thawed()
    {
        await FrozenHealthAsync(_infrastructure.PostgresProcessId, "Unhealthy", HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task A_frozen_redis_makes_health_degraded_in_time_and_healthy_once_thawed()
    {
        await FrozenHealthAsync(_infrastructure.RedisProcessId, "Degraded", HttpStatusCode.OK);
    }

    private async Task FrozenHealthAsync(int processId, string expected, HttpStatusCode expectedStatus)
    {
        Assert.Equal((HttpStatusCode.OK, "Healthy"), await HealthAsync());

        ProcessFreezer.Freeze(processId);
        var watch = Stopwatch.StartNew();
        Assert.Equal((expectedStatus, expected), await HealthAsync());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), watch.Elapsed.ToString()); // a 2 s budget, with room for a loaded machine

        ProcessFreezer.Thaw(processId);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        (HttpStatusCode, string) health;
        do
        {
            await Task.Delay(250);
            health = await HealthAsync();
        }
        while (health != (HttpStatusCode.OK, "Healthy") && DateTime.UtcNow < deadline);

        Assert.Equal((HttpStatusCode.OK, "Healthy"), health);
    }

    private async Task<(HttpStatusCode, string)> HealthAsync()
    {
        using var client = _service.Client(null);
        using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
