using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CreatorChat.Chat.Tests.Support;
using CreatorChat.Testing;
using Xunit;

namespace CreatorChat.Chat.Tests.Integration;

/// <summary>Stop and disconnect on every transport, with a model slow enough to interrupt.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class StreamingStopTests(InfrastructureFixture infrastructure) : IAsyncLifetime
{
    private readonly SlowModelChatFixture _chat = new(infrastructure);

    public Task InitializeAsync() => _chat.InitializeAsync();

    public Task DisposeAsync() => _chat.DisposeAsync();

    [Fact]
    public async Task A_client_that_disconnects_mid_stream_leaves_a_stopped_answer_with_its_partial_text()
    {
        var userId = Guid.NewGuid();
        var fan = _chat.Fan(userId);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/chat")
        {
            Content = JsonContent.Create(new { creator_id = "kitchen-lab", message = "Why should I dry a steak before searing?" }),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var disconnect = new CancellationTokenSource();
        var received = new StringBuilder();
        using (var response = await fan.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, disconnect.Token))
        {
            await foreach (var item in ServerSentEvents.ReadAsync(await response.Content.ReadAsStreamAsync(disconnect.Token), disconnect.Token))
            {
                received.Append(JsonNode.Parse(item.Data)!["text"]!.GetValue<string>());
                if (received.Length > 40)
                {
                    break;
                }
            }

            await disconnect.CancelAsync();
        }

        var conversationId = await OnlyConversationAsync(fan);
        var answer = await WaitForAnswerAsync(fan, conversationId);
        Assert.Equal("stopped", answer["status"]!.GetValue<string>());
        var saved = answer["content"]!.GetValue<string>();
        Assert.StartsWith(received.ToString(), saved);
        Assert.True(saved.Length < 200, saved); // it really stopped early: the full answer is far longer
    }

    [Fact]
    public async Task A_json_client_that_gives_up_also_leaves_a_stopped_answer()
    {
        var fan = _chat.Fan(Guid.NewGuid());
        using var patience = new CancellationTokenSource();
        var waiting = fan.PostAsJsonAsync(new Uri("/api/v1/chat", UriKind.Relative), new { creator_id = "kitchen-lab", message = "What is the windowpane test?" }, patience.Token);

        // Give up once the question is saved and the (slow) answer has begun.
        var conversationId = await OnlyConversationAsync(fan);
        await Task.Delay(300);
        await patience.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

        var answer = await WaitForAnswerAsync(fan, conversationId);
        Assert.Equal("stopped", answer["status"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(answer["content"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Over_a_websocket_stop_ends_the_answer_and_the_socket_carries_on()
    {
        var fan = Guid.NewGuid();
        using var socket = await ConnectAsync($"?access_token={_chat.Tokens.User(fan)}");

        await SendAsync(socket, new { type = "message", creator_id = "kitchen-lab", message = "Why should I dry a steak before searing?" });
        var first = await ReceiveAsync(socket);
        Assert.Equal("chunk", first["type"]!.GetValue<string>());
        await SendAsync(socket, new { type = "stop" });
        var frames = await ReceiveUntilAsync(socket, "complete");
        var complete = frames[^1];
        Assert.Equal("stopped", complete["status"]!.GetValue<string>());
        var shown = first["text"]!.GetValue<string>() + string.Concat(frames.Where(f => f["type"]!.GetValue<string>() == "chunk").Select(f => f["text"]!.GetValue<string>()));

        var conversationId = complete["conversation_id"]!.GetValue<Guid>();
        var messages = await ChatServiceFixture.MessagesAsync(_chat.Fan(fan), conversationId);
        Assert.Equal("stopped", messages[1]!["status"]!.GetValue<string>());
        Assert.Equal(shown, messages[1]!["content"]!.GetValue<string>());
        Assert.Equal(complete["message_id"]!.GetValue<Guid>(), messages[1]!["id"]!.GetValue<Guid>());

        // Same socket, same conversation: the next question is answered in full.
        await SendAsync(socket, new { type = "message", creator_id = "kitchen-lab", message = "What is the claw grip?", conversation_id = conversationId });
        var next = await ReceiveUntilAsync(socket, "complete");
        Assert.Equal("complete", next[^1]["status"]!.GetValue<string>());
        var citations = next.Single(f => f["type"]!.GetValue<string>() == "citations")["citations"]!.AsArray();
        Assert.Equal("vid-knife-04", citations[0]!["video_id"]!.GetValue<string>());
        Assert.Contains("fingertips", string.Concat(next.Where(f => f["type"]!.GetValue<string>() == "chunk").Select(f => f["text"]!.GetValue<string>())));
        Assert.Equal(4, (await ChatServiceFixture.MessagesAsync(_chat.Fan(fan), conversationId)).Count);
    }

    [Fact]
    public async Task A_websocket_client_that_vanishes_leaves_a_stopped_answer()
    {
        var fan = Guid.NewGuid();
        var socket = await ConnectAsync($"?access_token={_chat.Tokens.User(fan)}");
        await SendAsync(socket, new { type = "message", creator_id = "kitchen-lab", message = "How long should dough rest?" });
        Assert.Equal("chunk", (await ReceiveAsync(socket))["type"]!.GetValue<string>());
        socket.Abort();
        socket.Dispose();

        var client = _chat.Fan(fan);
        var answer = await WaitForAnswerAsync(client, await OnlyConversationAsync(client));
        Assert.Equal("stopped", answer["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_token_can_come_in_the_first_frame_and_bad_frames_get_error_frames()
    {
        using var socket = await ConnectAsync("");
        await SendAsync(socket, new { type = "auth", access_token = _chat.Tokens.User(Guid.NewGuid()) });
        Assert.Equal("authenticated", (await ReceiveAsync(socket))["type"]!.GetValue<string>());

        async Task ExpectErrorAsync(string frame, string contains)
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, true, CancellationToken.None);
            var error = await ReceiveAsync(socket);
            Assert.Equal("error", error["type"]!.GetValue<string>());
            Assert.Contains(contains, error.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        }

        await ExpectErrorAsync("{not json", "not valid JSON");
        await ExpectErrorAsync("[1,2]", "type");
        await ExpectErrorAsync("""{"type":"dance"}""", "Unknown frame type");
        await ExpectErrorAsync("""{"type":"message","creator_id":"kitchen-lab"}""", "message");
        await ExpectErrorAsync($$"""{"type":"message","creator_id":"kitchen-lab","message":"{{new string('a', 4001)}}"}""", "4000");
        await ExpectErrorAsync("""{"type":"message","creator_id":"nobody-here","message":"hi"}""", "No creator");
        await ExpectErrorAsync($$"""{"type":"message","creator_id":"kitchen-lab","message":"hi","conversation_id":"{{Guid.NewGuid()}}"}""", "No conversation");
        await socket.SendAsync(new byte[] { 1, 2, 3 }, WebSocketMessageType.Binary, true, CancellationToken.None);
        Assert.Contains("text frames", (await ReceiveAsync(socket))["detail"]!.GetValue<string>());
        await socket.SendAsync(new byte[80_000], WebSocketMessageType.Text, true, CancellationToken.None);
        Assert.Contains("at most", (await ReceiveAsync(socket))["detail"]!.GetValue<string>());

        // Busy: one answer at a time.
        await SendAsync(socket, new { type = "message", creator_id = "kitchen-lab", message = "What is the claw grip?" });
        await SendAsync(socket, new { type = "message", creator_id = "kitchen-lab", message = "And a sear?" });
        var frames = await ReceiveUntilAsync(socket, "complete");
        Assert.Contains(frames, f => f["type"]!.GetValue<string>() == "error" && f["detail"]!.GetValue<string>().Contains("still being written"));

        await SendAsync(socket, new { type = "ping" });
        Assert.Equal("pong", (await ReceiveAsync(socket))["type"]!.GetValue<string>());
        Assert.Equal(WebSocketState.Open, socket.State);
    }

    [Fact]
    public async Task Unauthenticated_sockets_are_refused()
    {
        var client = _chat.Factory.Server.CreateWebSocketClient();
        var badToken = await Assert.ThrowsAnyAsync<Exception>(() =>
            client.ConnectAsync(new Uri(_chat.Factory.Server.BaseAddress, "/api/v1/chat/ws?access_token=forged.token.value"), CancellationToken.None));
        Assert.Contains("401", badToken.Message);

        using var noAuth = await ConnectAsync("");
        await SendAsync(noAuth, new { type = "message", creator_id = "kitchen-lab", message = "hi" });
        Assert.Contains("Authenticate first", (await ReceiveAsync(noAuth))["detail"]!.GetValue<string>());
        var buffer = new byte[1024];
        var closing = await noAuth.ReceiveAsync(buffer, CancellationToken.None);
        Assert.Equal(WebSocketMessageType.Close, closing.MessageType);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, noAuth.CloseStatus);

        using var serviceToken = await ConnectAsync("");
        await SendAsync(serviceToken, new { type = "auth", access_token = _chat.Tokens.Service() });
        Assert.Contains("invalid", (await ReceiveAsync(serviceToken))["detail"]!.GetValue<string>());

        using var plain = await _chat.Fan(Guid.NewGuid()).GetAsync(new Uri("/api/v1/chat/ws", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, plain.StatusCode);
    }

    private async Task<WebSocket> ConnectAsync(string query) =>
        await _chat.Factory.Server.CreateWebSocketClient().ConnectAsync(new Uri(_chat.Factory.Server.BaseAddress, "/api/v1/chat/ws" + query), CancellationToken.None);

    internal static Task SendAsync(WebSocket socket, object frame) =>
        socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(frame), WebSocketMessageType.Text, true, CancellationToken.None);

    internal static async Task<JsonNode> ReceiveAsync(WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[256 * 1024];
        var count = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(count), timeout.Token);
            Assert.NotEqual(WebSocketMessageType.Close, result.MessageType);
            count += result.Count;
            if (result.EndOfMessage)
            {
                return JsonNode.Parse(buffer.AsSpan(0, count))!;
            }
        }
    }

    internal static async Task<List<JsonNode>> ReceiveUntilAsync(WebSocket socket, string type)
    {
        var frames = new List<JsonNode>();
        while (frames.Count == 0 || frames[^1]["type"]!.GetValue<string>() != type)
        {
            frames.Add(await ReceiveAsync(socket));
        }

        return frames;
    }

    private static async Task<Guid> OnlyConversationAsync(HttpClient fan)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var list = await fan.GetFromJsonAsync<JsonObject>(new Uri("/api/v1/conversations", UriKind.Relative));
            if (list!["items"]!.AsArray().SingleOrDefault() is { } conversation)
            {
                return conversation["id"]!.GetValue<Guid>();
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("No conversation was created.");
    }

    private static async Task<JsonNode> WaitForAnswerAsync(HttpClient fan, Guid conversationId)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var messages = await ChatServiceFixture.MessagesAsync(fan, conversationId);
            if (messages.Count == 2)
            {
                return messages[1]!;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("The answer was never saved.");
    }
}
