using System.Text.Json.Nodes;
using CreatorChat.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CreatorChat.Gateway.Tests;

/// <summary>
/// A real HTTP server on loopback standing in for the chat and creator services, so the gateway's
/// own behaviour (headers, streaming, limits) can be observed exactly. It echoes what it received.
/// </summary>
public sealed class EchoService : IAsyncDisposable
{
    private LoopbackServer _server = null!;

    private EchoService()
    {
    }

    public Uri Url => _server.Url;

    /// <summary>When set, chat calls answer with this status instead of 200.</summary>
    public int? ChatStatus { get; set; }

    public static async Task<EchoService> StartAsync()
    {
        var self = new EchoService();
        self._server = await LoopbackServer.StartAsync(self.Map);
        return self;
    }

    private void Map(WebApplication app)
    {
        app.MapPost("/api/v1/chat", (HttpContext context) => ChatStatus is { } status ? Results.StatusCode(status) : Echo(context));
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

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
