using System.Text.Json.Nodes;
using CreatorChat.Chat.Pipeline;
using CreatorChat.Chat.Tests.Support;
using CreatorChat.Testing;
using Xunit;

namespace CreatorChat.Chat.Tests.Integration;

/// <summary>Issue 9, item 13: an answer composed while retrieval is down says so everywhere and is never cached.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class DegradedAnswerTests(InfrastructureFixture infrastructure) : IAsyncLifetime
{
    private readonly FragileRetrievalChatFixture _chat = new(infrastructure);

    public Task InitializeAsync() => _chat.InitializeAsync();

    public Task DisposeAsync() => _chat.DisposeAsync();

    [Fact]
    public async Task A_grounded_answer_is_not_degraded()
    {
        var answer = await ChatServiceFixture.AskAsync(_chat.Fan(Guid.NewGuid()), "Why knead bread dough?");
        Assert.False(answer["degraded"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Retrieval_down_flags_the_answer_in_json_sse_and_history_and_keeps_it_out_of_the_cache()
    {
        var fan = _chat.Fan(Guid.NewGuid());
        _chat.Upstreams.Mode = RetrievalMode.SearchFailing;

        var answer = await ChatServiceFixture.AskAsync(fan, "What is the claw grip?");
        Assert.Equal(ChatPipeline.RetrievalUnavailableAnswer, answer["response"]!.GetValue<string>());
        Assert.True(answer["degraded"]!.GetValue<bool>());

        var events = await ChatServiceFixture.AskStreamingAsync(fan, new { creator_id = SampleKnowledge.Slug, message = "What is the claw grip?" });
        var done = events.Single(e => e.Event == "done").Data!;
        Assert.True(done["degraded"]!.GetValue<bool>());
        Assert.False(done["cached"]!.GetValue<bool>());

        var messages = await ChatServiceFixture.MessagesAsync(fan, answer["conversation_id"]!.GetValue<Guid>());
        Assert.False(messages[0]!["degraded"]!.GetValue<bool>());
        Assert.True(messages[1]!["degraded"]!.GetValue<bool>());

        // Retrieval is back: the same question gets a real answer, not the degraded one from a cache.
        _chat.Upstreams.Mode = RetrievalMode.Normal;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        JsonObject again;
        do
        {
            await Task.Delay(250);
            again = await ChatServiceFixture.AskAsync(fan, "What is the claw grip?");
        }
        while (again["degraded"]!.GetValue<bool>() && DateTime.UtcNow < deadline);

        Assert.False(again["degraded"]!.GetValue<bool>());
        Assert.False(again["cached"]!.GetValue<bool>());
        Assert.Contains("fingertips", again["response"]!.GetValue<string>());
    }

    [Fact]
    public async Task Retrieval_down_flags_the_websocket_complete_frame_and_the_answer_is_not_cached()
    {
        var fan = Guid.NewGuid();
        using var socket = await _chat.Factory.Server.CreateWebSocketClient()
            .ConnectAsync(new Uri(_chat.Factory.Server.BaseAddress, $"/api/v1/chat/ws?access_token={_chat.Tokens.User(fan)}"), CancellationToken.None);
        _chat.Upstreams.Mode = RetrievalMode.SearchFailing;

        await StreamingStopTests.SendAsync(socket, new { type = "message", creator_id = SampleKnowledge.Slug, message = "Why knead bread dough?" });
        var frames = await StreamingStopTests.ReceiveUntilAsync(socket, "complete");
        var complete = frames[^1];
        Assert.True(complete["degraded"]!.GetValue<bool>());
        Assert.False(complete["cached"]!.GetValue<bool>());
        Assert.Equal(ChatPipeline.RetrievalUnavailableAnswer, string.Concat(frames.Where(f => f["type"]!.GetValue<string>() == "chunk").Select(f => f["text"]!.GetValue<string>())));
        var messages = await ChatServiceFixture.MessagesAsync(_chat.Fan(fan), complete["conversation_id"]!.GetValue<Guid>());
        Assert.True(messages[1]!["degraded"]!.GetValue<bool>());

        // Retrieval is back: the same question on the same socket is answered from the videos, not from a cached fallback.
        _chat.Upstreams.Mode = RetrievalMode.Normal;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        JsonNode again;
        do
        {
            await Task.Delay(250);
            await StreamingStopTests.SendAsync(socket, new { type = "message", creator_id = SampleKnowledge.Slug, message = "Why knead bread dough?" });
            again = (await StreamingStopTests.ReceiveUntilAsync(socket, "complete"))[^1];
        }
        while (again["degraded"]!.GetValue<bool>() && DateTime.UtcNow < deadline);

        Assert.False(again["degraded"]!.GetValue<bool>());
        Assert.False(again["cached"]!.GetValue<bool>());
    }
}
