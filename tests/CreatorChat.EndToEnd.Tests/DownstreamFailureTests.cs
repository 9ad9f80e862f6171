using System.Diagnostics;
using System.Net;
using Xunit;

namespace CreatorChat.EndToEnd.Tests;

/// <summary>Gateway and creator only, with a short resilience budget, so the creator can be killed.</summary>
public sealed class GatewayWithCreatorFixture : PlatformFixture
{
    protected override IReadOnlySet<string>? Only => new HashSet<string> { "gateway", "creator" };

    protected override IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["Resilience__Http__Retry__Delay"] = "00:00:00.200",
        ["Resilience__Http__TotalRequestTimeout__Timeout"] = "00:00:05",
    };
}

public sealed class DownstreamFailureTests(GatewayWithCreatorFixture fixture) : IClassFixture<GatewayWithCreatorFixture>
{
    [Fact]
    public async Task A_dead_service_gives_a_503_problem_quickly_never_a_hang_or_a_500()
    {
        using (var before = await fixture.Gateway().GetAsync(new Uri("/api/v1/creators", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await fixture.Platform.StopServiceAsync("creator");
        var watch = Stopwatch.StartNew();
        using var response = await fixture.Gateway().GetAsync(new Uri("/api/v1/creators", UriKind.Relative));
        watch.Stop();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.RetryAfter is not null);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(6), $"took {watch.Elapsed}");

        using var health = await fixture.Gateway().GetAsync(new Uri("/alive", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
