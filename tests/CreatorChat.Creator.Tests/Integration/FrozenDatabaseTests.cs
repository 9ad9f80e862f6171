using System.Diagnostics;
using System.Net;
using CreatorChat.Creator.Tests.Support;
using CreatorChat.Testing;
using Xunit;

namespace CreatorChat.Creator.Tests.Integration;

/// <summary>
/// Issue 9, item 14: with its PostgreSQL frozen (SIGSTOP: it accepts connections and never answers) the creator
/// service's /health still answers Unhealthy within its own short budget, and Healthy again once thawed.
/// The test freezes servers of its own, never the shared ones.
/// </summary>
public sealed class FrozenDatabaseTests : IAsyncLifetime
{
    private readonly InfrastructureFixture _infrastructure = new();
    private CreatorServiceFixture _service = null!;

    public async Task InitializeAsync()
    {
        await _infrastructure.InitializeAsync();
        _service = new CreatorServiceFixture(_infrastructure);
    }

    public async Task DisposeAsync()
    {
        ProcessFreezer.Thaw(_infrastructure.PostgresProcessId);
        await _service.DisposeAsync();
        await _infrastructure.DisposeAsync();
    }

    [Fact]
    public async Task Health_answers_unhealthy_in_time_while_postgres_is_frozen_and_healthy_once_thawed()
    {
        Assert.Equal("Healthy", await HealthAsync());

        ProcessFreezer.Freeze(_infrastructure.PostgresProcessId);
        var watch = Stopwatch.StartNew();
        Assert.Equal("Unhealthy", await HealthAsync());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), watch.Elapsed.ToString()); // a 2 s budget, with room for a loaded machine

        ProcessFreezer.Thaw(_infrastructure.PostgresProcessId);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string status;
        do
        {
            await Task.Delay(250);
            status = await HealthAsync();
        }
        while (status != "Healthy" && DateTime.UtcNow < deadline);

        Assert.Equal("Healthy", status);
    }

    private async Task<string> HealthAsync()
    {
        using var client = _service.Client();
        using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(body == "Unhealthy" ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK, response.StatusCode);
        return body;
    }
}
