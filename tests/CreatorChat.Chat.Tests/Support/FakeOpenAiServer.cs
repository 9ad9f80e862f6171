using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CreatorChat.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CreatorChat.Chat.Tests.Support;

/// <summary>
/// An OpenAI-compatible chat completions server on loopback speaking the real wire format (JSON and
/// SSE chunks with usage). Its "model" is scripted: it quotes the first sentence of passage [2] of
/// the system prompt it receives and cites it — plus a reference to a passage that does not exist —
/// so tests can see that the prompt reached the model and that references are mapped. It can also
/// go silent mid-answer.
/// </summary>
public sealed partial class FakeOpenAiServer : IAsyncDisposable
{
    private LoopbackServer _server = null!;

    private FakeOpenAiServer()
    {
    }

    public Uri Url => _server.Url;

    public ConcurrentQueue<JsonNode> Requests { get; } = new();

    public ConcurrentQueue<string> Authorizations { get; } = new();

    /// <summary>Stop sending after this many chunks and hang (a stalled model).</summary>
    public int? StallAfterChunks { get; set; }

    [GeneratedRegex(@"^\[2\] .*\n([^.!?]*[.!?])", RegexOptions.Multiline)]
    private static partial Regex SecondPassage();

    public static async Task<FakeOpenAiServer> StartAsync()
    {
        var server = new FakeOpenAiServer();
        server._server = await LoopbackServer.StartAsync(app => app.MapPost("/v1/chat/completions", server.CompleteAsync));
        return server;
    }

    private async Task CompleteAsync(HttpContext context)
    {
        var request = (await JsonNode.ParseAsync(context.Request.Body))!;
        Requests.Enqueue(request);
        Authorizations.Enqueue(context.Request.Headers.Authorization.ToString());
        var system = request["messages"]!.AsArray().First(m => m!["role"]!.GetValue<string>() == "system")!["content"]!.GetValue<string>();
        var quote = SecondPassage().Match(system) is { Success: true } match ? match.Groups[1].Value.Trim() : "nothing matched";
        var answer = $"As I showed: {quote} [2] And something I never said [7].";
        var tokens = Regex.Matches(answer, @"\S+\s*").Select(m => m.Value).ToList();
        var model = request["model"]!.GetValue<string>();

        if (request["stream"]?.GetValue<bool>() != true)
        {
            await context.Response.WriteAsJsonAsync(new
            {
                id = "chatcmpl-fake", @object = "chat.completion", created = 1700000000, model,
                choices = new[] { new { index = 0, message = new { role = "assistant", content = answer }, finish_reason = "stop" } },
                usage = new { prompt_tokens = 321, completion_tokens = tokens.Count, total_tokens = 321 + tokens.Count },
            });
            return;
        }

        context.Response.ContentType = "text/event-stream";
        async Task SendAsync(object chunk)
        {
            await context.Response.WriteAsync("data: " + JsonSerializer.Serialize(chunk) + "\n\n");
            await context.Response.Body.FlushAsync();
        }

        for (var i = 0; i < tokens.Count; i++)
        {
            if (StallAfterChunks is { } stall && i >= stall)
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }

            await SendAsync(new
            {
                id = "chatcmpl-fake", @object = "chat.completion.chunk", created = 1700000000, model,
                choices = new[] { new { index = 0, delta = new { role = i == 0 ? "assistant" : null, content = tokens[i] }, finish_reason = (string?)null } },
            });
        }

        await SendAsync(new
        {
            id = "chatcmpl-fake", @object = "chat.completion.chunk", created = 1700000000, model,
            choices = new[] { new { index = 0, delta = new { }, finish_reason = "stop" } },
        });
        await SendAsync(new
        {
            id = "chatcmpl-fake", @object = "chat.completion.chunk", created = 1700000000, model,
            choices = Array.Empty<object>(),
            usage = new { prompt_tokens = 321, completion_tokens = tokens.Count, total_tokens = 321 + tokens.Count },
        });
        await context.Response.WriteAsync("data: [DONE]\n\n");
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
