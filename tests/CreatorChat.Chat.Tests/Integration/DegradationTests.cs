using System.Diagnostics;
using System.Net;
using CreatorChat.Chat.Pipeline;
using CreatorChat.Chat.Tests.Support;
using CreatorChat.Testing;
using Xunit;

namespace CreatorChat.Chat.Tests.Integration;

[Collection(InfrastructureCollection.Name)]
public sealed class RetrievalOutageTests(InfrastructureFixture infrastructure) : IAsyncLifetime
{
    private readonly FragileRetrievalChatFixture _chat = new(infrastructure);

    public Task InitializeAsync() => _chat.InitializeAsync();

    public Task DisposeAsync() => _chat.DisposeAsync();

    [Fact]
    public async Task Retrieval_down_gives_an_honest_answer_the_breaker_opens_and_it_recovers_by_itself()
    {
        var fan = _chat.Fan(Guid.NewGuid());
        _chat.Upstreams.Mode = RetrievalMode.Failing;

        for (var i = 0; i < 6; i++)
        {
            var watch = Stopwatch.StartNew();
            var answer = await ChatServiceFixture.AskAsync(fan, $"Why knead bread dough, take {i}?");
            Assert.Equal(ChatPipeline.RetrievalUnavailableAnswer, answer["response"]!.GetValue<string>());
            Assert.Empty(answer["citations"]!.AsArray());
            Assert.False(answer["cached"]!.GetValue<bool>());
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), watch.Elapsed.ToString());
        }

        // The breaker is open: further questions no longer reach retrieval at all.
        var reached = _chat.Upstreams.Searches;
        var open = await ChatServiceFixture.AskAsync(fan, "What is the claw grip?");
        Assert.Equal(ChatPipeline.RetrievalUnavailableAnswer, open["response"]!.GetValue<string>());
        Assert.Equal(reached, _chat.Upstreams.Searches);

        // Retrieval comes back; after the break the breaker lets a trial through and closes.
        _chat.Upstreams.Mode = RetrievalMode.Normal;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        string text;
        do
        {
            await Task.Delay(250);
            text = (await ChatServiceFixture.AskAsync(fan, "What is the claw grip?"))["response"]!.GetValue<string>();
        }
        while (text == ChatPipeline.RetrievalUnavailableAnswer && DateTime.UtcNow < deadline);

        Assert.Contains("fingertips", text);

        // The honest answers are kept as such, and insights can tell them apart.
        var messages = await ChatServiceFixture.MessagesAsync(fan, open["conversation_id"]!.GetValue<Guid>());
        Assert.Equal(ChatPipeline.RetrievalUnavailableAnswer, messages[1]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task Slow_retrieval_is_cut_short()
    {
        _chat.Upstreams.Mode = RetrievalMode.Slow;
        try
        {
            var watch = Stopwatch.StartNew();
            var events = await ChatServiceFixture.AskStreamingAsync(_chat.Fan(Guid.NewGuid()), new { creator_id = "kitchen-lab", message = "How long should dough rest?" });
            watch.Stop();

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), watch.Elapsed.ToString());
            Assert.Equal(ChatPipeline.RetrievalUnavailableAnswer, string.Concat(events.Where(e => e.Event == "delta").Select(e => e.Data!["text"]!.GetValue<string>())));
            Assert.Equal("done", events[^1].Event);
        }
        finally
        {
            _chat.Upstreams.Mode = RetrievalMode.Normal;
        }
    }
}

[Collection(InfrastructureCollection.Name)]
public sealed class RedisOutageTests(InfrastructureFixture infrastructure) : IAsyncLifetime
{
    private readonly OwnRedisChatFixture _chat = new(infrastructure);

    public Task InitializeAsync() => _chat.InitializeAsync();

    public Task DisposeAsync() => _chat.DisposeAsync();

    [Fact]
    public async Task Without_redis_there_is_no_cache_but_chat_still_answers()
    {
        var fan = _chat.Fan(Guid.NewGuid());
        const string question = "What is the windowpane test?";
        await ChatServiceFixture.AskAsync(fan, question);
        Assert.True((await ChatServiceFixture.AskAsync(fan, question))["cached"]!.GetValue<bool>());

        await _chat.StopRedisAsync();

        for (var i = 0; i < 3; i++)
        {
            var watch = Stopwatch.StartNew();
            var answer = await ChatServiceFixture.AskAsync(fan, question);
            Assert.False(answer["cached"]!.GetValue<bool>());
            Assert.Contains("light shines through", answer["response"]!.GetValue<string>());
            Assert.NotEmpty(answer["citations"]!.AsArray());
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), watch.Elapsed.ToString());
        }

        var events = await ChatServiceFixture.AskStreamingAsync(fan, new { creator_id = "kitchen-lab", message = question });
        Assert.Equal("done", events[^1].Event);

        using var health = await _chat.Client(null).GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode); // degraded, still ready: Redis is optional
        using var stats = await _chat.Client(_chat.Tokens.Service()).GetAsync(new Uri("/internal/v1/stats", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
    }
}
