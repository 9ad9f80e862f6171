using System.Collections.Concurrent;
using CreatorChat.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace CreatorChat.Retrieval.Tests.Support;

public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Headers, string Body);

public sealed record CannedResponse(int Status, string Body, IReadOnlyDictionary<string, string>? Headers = null)
{
    public static CannedResponse Json(string body, int status = 200) => new(status, body);
}

/// <summary>
/// A <see cref="LoopbackServer"/> that records every request and answers through a handler: stands in for
/// Qdrant or an OpenAI-compatible embeddings server, so the real HTTP clients run unchanged over a real socket.
/// </summary>
public sealed class RecordingServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly Func<RecordedRequest, Task<CannedResponse>> _handler;
    private LoopbackServer _server = null!;

    private RecordingServer(Func<RecordedRequest, Task<CannedResponse>> handler) => _handler = handler;

    public Uri Url => _server.Url;

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToList();

    public static async Task<RecordingServer> StartAsync(Func<RecordedRequest, Task<CannedResponse>> handler)
    {
        var server = new RecordingServer(handler);
        server._server = await LoopbackServer.StartAsync(
            app => app.Run(server.AnswerAsync),
            builder => builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 64 * 1024 * 1024));
        return server;
    }

    private async Task AnswerAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var recorded = new RecordedRequest(
            context.Request.Method,
            context.Request.Path.Value ?? "",
            context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()),
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            await reader.ReadToEndAsync(context.RequestAborted));
        _requests.Enqueue(recorded);
        CannedResponse response;
        try
        {
            response = await _handler(recorded);
        }
        catch (Exception ex)
        {
            response = new CannedResponse(599, "test server handler failed: " + ex);
        }

        context.Response.StatusCode = response.Status;
        context.Response.ContentType = "application/json";
        foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        await context.Response.WriteAsync(response.Body, context.RequestAborted);
    }

    public void Clear() => _requests.Clear();

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
