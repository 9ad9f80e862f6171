using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace CreatorChat.ServiceDefaults.Tests.Unit;

/// <summary>Issue 9, item 14: /health answers within its own budget even when a check hangs and ignores cancellation.</summary>
public sealed class HealthBudgetTests
{
    /// <summary>What a client of a frozen server does: waits forever, deaf to cancellation.</summary>
    private sealed class FrozenCheck : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, CancellationToken.None);
            return HealthCheckResult.Healthy();
        }
    }

    private static async Task<(HttpStatusCode Status, string Body, TimeSpan Elapsed)> HealthAsync(HealthStatus failureStatus)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.AddServiceDefaults();
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration("frozen", _ => new FrozenCheck(), failureStatus, ["ready"], TimeSpan.FromSeconds(30)));
        await using var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync();

        var watch = Stopwatch.StartNew();
        using var response = await app.GetTestClient().GetAsync(new Uri("/health", UriKind.Relative));
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), watch.Elapsed);
    }

    [Fact]
    public async Task A_frozen_required_dependency_is_unhealthy_within_the_budget()
    {
        var (status, body, elapsed) = await HealthAsync(HealthStatus.Unhealthy);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", body);
        Assert.True(elapsed < TimeSpan.FromSeconds(5), elapsed.ToString()); // a 2 s budget, with room for a loaded machine
    }

    [Fact]
    public async Task A_frozen_optional_dependency_is_degraded_within_the_budget()
    {
        var (status, body, elapsed) = await HealthAsync(HealthStatus.Degraded);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Degraded", body);
        Assert.True(elapsed < TimeSpan.FromSeconds(5), elapsed.ToString()); // a 2 s budget, with room for a loaded machine
    }
}
