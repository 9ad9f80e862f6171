using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CreatorChat.Testing;

/// <summary>
/// A real HTTP server (Kestrel on a free loopback port, logging off) whose routes the caller maps: the one
/// host for the fakes that stand in for downstream services, models and stores, so the real HTTP clients
/// under test run unchanged over a real socket.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The bound address, e.g. <c>http://127.0.0.1:54321/</c>.</summary>
    public Uri Url { get; }

    /// <summary>Starts a server with the routes <paramref name="mapRoutes"/> maps; <paramref name="configure"/> may adjust the builder first (e.g. Kestrel limits).</summary>
    public static async Task<LoopbackServer> StartAsync(Action<WebApplication> mapRoutes, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        configure?.Invoke(builder);
        var app = builder.Build();
        try
        {
            mapRoutes(app);
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new LoopbackServer(app, new Uri(address));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
