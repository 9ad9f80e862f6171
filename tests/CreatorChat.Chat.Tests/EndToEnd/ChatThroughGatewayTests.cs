using System.ClientModel;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CreatorChat.Chat.Tests.Integration;
using CreatorChat.Chat.Tests.Support;
using CreatorChat.Testing;
using OpenAI;
using OpenAI.Chat;
using Xunit;

namespace CreatorChat.Chat.Tests.EndToEnd;

[CollectionDefinition(Name)]
public sealed class ChatPlatformCollection : ICollectionFixture<ChatPlatformFixture>
{
    public const string Name = "chat-platform";
}

/// <summary>What a fan does, through the gateway, against real services and real captions.</summary>
[Collection(ChatPlatformCollection.Name)]
public sealed class ChatThroughGatewayTests(ChatPlatformFixture platform)
{
    [Fact]
    public async Task A_fan_sees_the_answer_stream_in_with_citations_that_open_the_right_video_at_the_right_second()
    {
        var fan = platform.Gateway(await platform.NewFanAsync());
        using var request = ChatPlatformFixture.StreamingRequest("/api/v1/chat", new { creator_id = ChatPlatformFixture.Slug, message = "What does the pipeline function do?" });
        var watch = Stopwatch.StartNew();
        using var response = await fan.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        TimeSpan? firstDelta = null;
        var lastDelta = TimeSpan.Zero;
        var events = new List<(string Event, JsonNode Data)>();
        await foreach (var item in ServerSentEvents.ReadAsync(await response.Content.ReadAsStreamAsync()))
        {
            if (item.Event == "delta")
            {
                firstDelta ??= watch.Elapsed;
                lastDelta = watch.Elapsed;
            }

            events.Add((item.Event, JsonNode.Parse(item.Data)!));
        }

        // Unbuffered through the gateway: words arrive as the model types them (10 ms a token here),
        // not in one burst at the end.
        var deltas = events.Count(e => e.Event == "delta");
        Assert.True(lastDelta - firstDelta >= TimeSpan.FromMilliseconds(deltas * 10 * 0.5),
            $"{deltas} deltas arrived within {lastDelta - firstDelta}");
        Assert.Equal(["citations", "done"], events.SkipWhile(e => e.Event == "delta").Select(e => e.Event));
        var text = string.Concat(events.Where(e => e.Event == "delta").Select(e => e.Data["text"]!.GetValue<string>()));
        Assert.Contains("[1]", text);

        var citations = events[^2].Data.AsArray();
        Assert.NotEmpty(citations);
        foreach (var citation in citations)
        {
            var videoId = citation!["video_id"]!.GetValue<string>();
            var start = citation["start_seconds"]!.GetValue<double>();
            var quote = citation["quote"]!.GetValue<string>();
            var video = ChatPlatformFixture.Videos.Single(v => v.VideoId == videoId);
            Assert.Equal(video.Title, citation["title"]!.GetValue<string>());
            Assert.Contains(videoId, citation["url"]!.GetValue<string>());
            Assert.Contains($"t={(int)start}", citation["url"]!.GetValue<string>());

            // The quote is really said in that video, at or shortly after the second the link opens.
            var captions = Captions.Read(await File.ReadAllTextAsync(Path.Combine(ChatPlatformFixture.CaptionsFolder, video.File)));
            var said = Captions.WhenSaid(captions, quote);
            Assert.True(said is not null, $"'{quote}' is not in {video.File}");
            Assert.InRange(said!.Value, start - 0.5, start + 90);
        }

        Assert.Contains(citations, c => c!["video_id"]!.GetValue<string>() == "tiZFewofSLM");
        var done = events[^1].Data;
        var messages = await fan.GetFromJsonAsync<JsonArray>(new Uri($"/api/v1/conversations/{done["conversation_id"]}/messages", UriKind.Relative));
        Assert.Equal(text, messages![1]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task Json_answers_conversations_and_privacy_hold_through_the_gateway()
    {
        var fan = platform.Gateway(await platform.NewFanAsync());
        using var asked = await fan.PostJsonAsync("/api/v1/chat", new { creator_id = ChatPlatformFixture.Slug, message = "What is transfer learning?" });
        var answer = await asked.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        Assert.Equal("BqqfQnyjmgg", answer["citations"]![0]!["video_id"]!.GetValue<string>());
        Assert.True(asked.Headers.Contains("X-RateLimit-Remaining"));

        var conversationId = answer["conversation_id"]!.GetValue<Guid>();
        var other = platform.Gateway(await platform.NewFanAsync());
        using var peek = await other.GetAsync(new Uri($"/api/v1/conversations/{conversationId}/messages", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, peek.StatusCode);

        var mine = await fan.GetFromJsonAsync<JsonObject>(new Uri("/api/v1/conversations", UriKind.Relative));
        Assert.Equal(conversationId, mine!["items"]![0]!["id"]!.GetValue<Guid>());

        using var feedback = await fan.PostJsonAsync($"/api/v1/messages/{answer["message_id"]}/feedback", new { rating = 1, comment = "Clear!" });
        Assert.Equal(HttpStatusCode.NoContent, feedback.StatusCode);

        using var insights = await platform.Gateway(platform.AdminToken).GetAsync(new Uri($"/api/v1/creators/{ChatPlatformFixture.Slug}/insights", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, insights.StatusCode);
        Assert.True((await insights.ReadJsonAsync())["thumbs_up"]!.GetValue<long>() >= 1);
        using var fanInsights = await fan.GetAsync(new Uri($"/api/v1/creators/{ChatPlatformFixture.Slug}/insights", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, fanInsights.StatusCode);

        // Expect: 100-continue, so the refusal is read before the body is sent (without it, HTTP/1.1 races the upload against the 413).
        using var oversized = new HttpRequestMessage(HttpMethod.Post, "/api/v1/chat")
        {
            Content = new StringContent($$"""{"creator_id":"hf-course","message":"{{new string('a', 2_000_000)}}"}""", Encoding.UTF8, "application/json"),
        };
        oversized.Headers.ExpectContinue = true;
        using var huge = await fan.SendAsync(oversized);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        using var unknown = await fan.PostJsonAsync("/api/v1/chat", new { creator_id = "nobody-at-all", message = "hi" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Over_a_websocket_through_the_gateway_answers_stream_and_stop_works()
    {
        var token = await platform.NewFanAsync();
        using var socket = new ClientWebSocket();
        var url = new UriBuilder(platform.Platform.GatewayUrl) { Scheme = "ws", Path = "/api/v1/chat/ws", Query = "access_token=" + token }.Uri;
        await socket.ConnectAsync(url, CancellationToken.None);

        await SendAsync(socket, new { type = "message", creator_id = ChatPlatformFixture.Slug, message = "How does the encoder in a Transformer work?" });
        var frames = await StreamingStopTests.ReceiveUntilAsync(socket, "complete");
        Assert.Equal("complete", frames[^1]["status"]!.GetValue<string>());
        Assert.True(frames.Count(f => f["type"]!.GetValue<string>() == "chunk") > 3);
        var citations = frames.Single(f => f["type"]!.GetValue<string>() == "citations")["citations"]!.AsArray();
        Assert.Contains(citations, c => c!["video_id"]!.GetValue<string>() is "MUqNwgPjJvQ" or "H39Z_720T5s");
        var conversationId = frames[^1]["conversation_id"]!.GetValue<Guid>();

        await SendAsync(socket, new { type = "message", creator_id = ChatPlatformFixture.Slug, conversation_id = conversationId, message = "What are decoders good at?" });
        Assert.Equal("chunk", (await StreamingStopTests.ReceiveAsync(socket))["type"]!.GetValue<string>());
        await SendAsync(socket, new { type = "stop" });
        var stopped = await StreamingStopTests.ReceiveUntilAsync(socket, "complete");
        Assert.Equal("stopped", stopped[^1]["status"]!.GetValue<string>());

        await SendAsync(socket, new { type = "nonsense" });
        Assert.Equal("error", (await StreamingStopTests.ReceiveAsync(socket))["type"]!.GetValue<string>());

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        Assert.Equal(WebSocketState.Closed, socket.State);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, socket.CloseStatus);

        var messages = await platform.Gateway(token).GetFromJsonAsync<JsonArray>(new Uri($"/api/v1/conversations/{conversationId}/messages", UriKind.Relative));
        Assert.Equal(["complete", "complete", "complete", "stopped"], messages!.Select(m => m!["status"]!.GetValue<string>()));

        using var anonymous = new ClientWebSocket();
        var refused = await Assert.ThrowsAsync<WebSocketException>(() =>
            anonymous.ConnectAsync(new UriBuilder(url) { Query = "access_token=forged" }.Uri, CancellationToken.None));
        Assert.Contains("401", refused.Message);
    }

    [Fact]
    public async Task A_stock_openai_sdk_pointed_at_the_gateway_talks_to_the_creator()
    {
        var token = await platform.NewFanAsync();
        var sdk = new OpenAIClient(new ApiKeyCredential(token), new OpenAIClientOptions { Endpoint = new Uri(platform.Platform.GatewayUrl, "/v1") });

        var models = (await sdk.GetOpenAIModelClient().GetModelsAsync()).Value;
        Assert.Contains(models, m => m.Id == ChatPlatformFixture.Slug);

        var chat = sdk.GetChatClient(ChatPlatformFixture.Slug);
        var completion = (await chat.CompleteChatAsync([new UserChatMessage("What is the pipeline function?")])).Value;
        Assert.Contains("pipeline", completion.Content[0].Text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("[1]", completion.Content[0].Text);

        var streamed = new StringBuilder();
        var chunks = 0;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("What are decoder models used for?")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                streamed.Append(part.Text);
                chunks++;
            }
        }

        Assert.True(chunks > 3, $"{chunks} chunks");
        Assert.Contains("[1]", streamed.ToString());
    }

    [Fact]
    public async Task Cached_answers_are_retired_when_the_creator_re_uploads_a_video()
    {
        var fan = platform.Gateway(await platform.NewFanAsync());
        const string question = "Why are encoders good at understanding sentences?";
        async Task<JsonNode> AskAsync()
        {
            using var response = await fan.PostJsonAsync("/api/v1/chat", new { creator_id = ChatPlatformFixture.Slug, message = question });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.ReadJsonAsync();
        }

        await AskAsync();
        Assert.True((await AskAsync())["cached"]!.GetValue<bool>());

        // The creator replaces the encoders video (same id): retrieval bumps the knowledge version and announces it.
        var admin = platform.Gateway(platform.AdminToken);
        var (file, videoId, title) = ChatPlatformFixture.Videos.Single(v => v.VideoId == "MUqNwgPjJvQ");
        using (var replaced = await admin.PostJsonAsync($"/api/v1/creators/{ChatPlatformFixture.Slug}/videos", new
               {
                   video_id = videoId, title, format = "srt",
                   transcript = await File.ReadAllTextAsync(Path.Combine(ChatPlatformFixture.CaptionsFolder, file)),
               }))
        {
            Assert.Equal(HttpStatusCode.Accepted, replaced.StatusCode);
            var job = (await replaced.ReadJsonAsync())["job_id"]!.GetValue<string>();
            // Generous: the semantic model embeds the whole video again on two cores shared with the other test assemblies.
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while ((await admin.GetFromJsonAsync<JsonObject>(new Uri($"/api/v1/jobs/{job}", UriKind.Relative)))!["status"]!.GetValue<string>() != "succeeded")
            {
                Assert.True(DateTime.UtcNow < deadline, "the re-upload was not ingested in time");
                await Task.Delay(100);
            }
        }

        // The announcement travels over Redis pub/sub: allow it a few seconds on a loaded machine (the time-based
        // fallback, KnowledgeVersionCacheDuration, is a minute, so passing here proves the announcement worked).
        var after = await AskAsync();
        var announced = DateTime.UtcNow.AddSeconds(10);
        while (after["cached"]!.GetValue<bool>() && DateTime.UtcNow < announced)
        {
            await Task.Delay(100);
            after = await AskAsync();
        }

        Assert.False(after["cached"]!.GetValue<bool>());
        Assert.Contains(after["citations"]!.AsArray(), c => c!["video_id"]!.GetValue<string>() == videoId);
    }

    private static Task SendAsync(WebSocket socket, object frame) =>
        socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(frame), WebSocketMessageType.Text, true, CancellationToken.None);
}

/// <summary>Retrieval dies while fans chat.</summary>
public sealed class RetrievalDownThroughGatewayTests(EmptyChatPlatformFixture platform) : IClassFixture<EmptyChatPlatformFixture>
{
    [Fact]
    public async Task With_retrieval_gone_fans_get_an_honest_answer_quickly_on_every_transport()
    {
        var token = await platform.NewFanAsync();
        var fan = platform.Gateway(token);
        await platform.Platform.StopServiceAsync("retrieval");

        var watch = Stopwatch.StartNew();
        using var asked = await fan.PostJsonAsync("/api/v1/chat", new { creator_id = ChatPlatformFixture.Slug, message = "What is a tokenizer?" });
        watch.Stop();
        var answer = await asked.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        Assert.Equal(CreatorChat.Chat.Pipeline.ChatPipeline.RetrievalUnavailableAnswer, answer["response"]!.GetValue<string>());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), watch.Elapsed.ToString());

        using var request = ChatPlatformFixture.StreamingRequest("/api/v1/chat", new { creator_id = ChatPlatformFixture.Slug, message = "And attention?" });
        using var streamed = await fan.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var events = new List<string>();
        await foreach (var item in ServerSentEvents.ReadAsync(await streamed.Content.ReadAsStreamAsync()))
        {
            events.Add(item.Event);
        }

        Assert.Equal("done", events[^1]);

        var sdk = new OpenAIClient(new ApiKeyCredential(token), new OpenAIClientOptions { Endpoint = new Uri(platform.Platform.GatewayUrl, "/v1") });
        var completion = (await sdk.GetChatClient(ChatPlatformFixture.Slug).CompleteChatAsync([new UserChatMessage("What is a tokenizer?")])).Value;
        Assert.Contains("can't search my videos right now", completion.Content[0].Text);

        var messages = await fan.GetFromJsonAsync<JsonArray>(new Uri($"/api/v1/conversations/{answer["conversation_id"]}/messages", UriKind.Relative));
        Assert.Equal("What is a tokenizer?", messages![0]!["content"]!.GetValue<string>());

        // Then chat itself goes away: the gateway answers 503 problems, for sockets before the upgrade.
        await platform.Platform.StopServiceAsync("chat");
        using var down = await fan.PostJsonAsync("/api/v1/chat", new { creator_id = ChatPlatformFixture.Slug, message = "Anyone there?" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        var url = new UriBuilder(platform.Platform.GatewayUrl) { Scheme = "ws", Path = "/api/v1/chat/ws", Query = "access_token=" + token }.Uri;
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(url, CancellationToken.None));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, socket.HttpStatusCode);
    }
}
