using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CreatorChat.Gateway.Tests;

/// <summary>
/// A real HTTP server on loopback standing in for the chat and creator services, so the gateway's
/// own behaviour (headers, streaming, limits) can be observed exactly. It echoes what it received.
/// </summary>
public sealed class EchoService : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EchoService(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>When set, chat calls answer with this status instead of 200.</summary>
    public int? ChatStatus { get; set; }

    public static async Task<EchoService> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        EchoService? self = null;

        app.MapPost("/api/v1/chat", (HttpContext context) => self!.ChatStatus is { } status ? Results.StatusCode(status) : Echo(context));
        app.MapPost("/v1/chat/completions", Echo);
        app.MapGet("/api/v1/conversations", Echo);
        app.Map("/api/v1/creators/{**rest}", Echo);
        app.MapGet("/api/v1/stream", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/event-stream";
            for (var i = 0; i < 3; i++)
            {
                await context.Response.WriteAsync($"event: delta\ndata: {{\"n\":{i}}}\n\n");
                await context.Response.Body.FlushAsync();
                await Task.Delay(400);
            }
        });

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new EchoService(app, new Uri(address));
        return self;
    }

    private static IResult Echo(HttpContext context)
    {
        var headers = new JsonObject();
        foreach (var (name, value) in context.Request.Headers)
        {
            headers[name.ToLowerInvariant()] = value.ToString();
        }

        return Results.Json(new JsonObject { ["path"] = context.Request.Path.Value, ["headers"] = headers });
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
