using System.Net;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Xunit;

namespace CreatorChat.AppHost.Tests;

/// <summary>
/// Starts the whole application: Postgres, Redis and Qdrant containers (needs Docker or Podman), or, with
/// <c>Infrastructure__Mode=existing</c> and the <c>ConnectionStrings__*</c> variables set, existing servers.
/// </summary>
public sealed class AppHostSmokeTests
{
    // Generous: the first run pulls the container images.
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    [Trait("Category", "Aspire")]
    public async Task Gateway_serves_health_and_creators_once_every_service_is_healthy()
    {
        using var startup = new CancellationTokenSource(StartupTimeout);
        await using var appHost = await TestAppHost.CreateAsync(startup.Token);
        await using var app = await appHost.BuildAsync(startup.Token);
        await app.StartAsync(startup.Token);

        // Dependencies first, so that a failure names the service that did not come up.
        foreach (var service in new[] { "creator", "retrieval", "chat", "gateway" })
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(
                service, WaitBehavior.StopOnResourceUnavailable, startup.Token);
        }

        using var requests = new CancellationTokenSource(RequestTimeout);
        // The "http" endpoint: the services run their http launch profile, so no developer certificate is involved.
        using var gateway = app.CreateHttpClient("gateway", "http");

        using var health = await gateway.GetAsync("/health", requests.Token);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        using var creators = await gateway.GetAsync("/api/v1/creators", requests.Token);
        Assert.Equal(HttpStatusCode.OK, creators.StatusCode);
        Assert.Equal("application/json", creators.Content.Headers.ContentType?.MediaType);
        Assert.True(creators.Headers.Contains("X-Request-Id"), "every gateway response carries X-Request-Id");

        using var body = JsonDocument.Parse(await creators.Content.ReadAsStringAsync(requests.Token));
        Assert.Equal(JsonValueKind.Array, body.RootElement.ValueKind);
    }
}
