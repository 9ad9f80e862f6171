using System.Text.Json.Nodes;
using CreatorChat.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CreatorChat.Gateway.Tests.Support;

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

    /// <summary>Text frames that reached the WebSocket endpoint (what the gateway relayed).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> SocketFrames { get; } = new();

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
        app.UseWebSockets();
        app.Map("/api/v1/chat/ws", EchoSocketAsync);
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

    /// <summary>Answers every text frame with <c>{"type":"echo","frame":…}</c>.</summary>
    private async Task EchoSocketAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = 400;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[128 * 1024];
        try
        {
            while (true)
            {
                var received = 0;
                System.Net.WebSockets.ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(received), context.RequestAborted);
                    received += result.Count;
                }
                while (!result.EndOfMessage && result.MessageType != System.Net.WebSockets.WebSocketMessageType.Close);

                if (result.MessageType == System.Net.WebSockets.WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    return;
                }

                var frame = System.Text.Encoding.UTF8.GetString(buffer, 0, received);
                SocketFrames.Enqueue(frame);
                var reply = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new { type = "echo", frame });
                await socket.SendAsync(reply, System.Net.WebSockets.WebSocketMessageType.Text, true, context.RequestAborted);
            }
        }
        catch (Exception ex) when (ex is System.Net.WebSockets.WebSocketException or OperationCanceledException or IOException)
        {
            // The gateway went away.
        }
    }

    private static IResult Echo(HttpContext context)
    {
        context.Response.Headers["X-Request-Id"] = context.Request.Headers["X-Request-Id"]; // as every real service does
        var headers = new JsonObject();
        foreach (var (name, value) in context.Request.Headers)
        {
            headers[name.ToLowerInvariant()] = value.ToString();
        }

        return Results.Json(new JsonObject { ["path"] = context.Request.Path.Value, ["headers"] = headers });
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
