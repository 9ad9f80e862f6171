using CreatorChat.Chat.Infrastructure;
using CreatorChat.Chat.Tests.Support;
using CreatorChat.Testing;
using Xunit;

namespace CreatorChat.Chat.Tests.Integration;

[Collection(InfrastructureCollection.Name)]
public sealed class AnswerCacheTests(InfrastructureFixture infrastructure) : IAsyncLifetime
{
    private readonly ChatServiceFixture _chat = new(infrastructure);

    public Task InitializeAsync() => _chat.InitializeAsync();

    public Task DisposeAsync() => _chat.DisposeAsync();

    [Fact]
    public async Task The_same_question_from_another_fan_is_served_from_the_cache_and_still_saved()
    {
        var first = await ChatServiceFixture.AskAsync(_chat.Fan(Guid.NewGuid()), "Why does a wet steak brown slowly?");
        var searches = _chat.Upstreams.Searches;
        var hitsBefore = _chat.Service<ChatMetrics>().CacheHits;

        var otherFan = _chat.Fan(Guid.NewGuid());
        var second = await ChatServiceFixture.AskAsync(otherFan, "  why does a WET steak brown slowly ");

        Assert.False(first["cached"]!.GetValue<bool>());
        Assert.True(second["cached"]!.GetValue<bool>());
        Assert.Equal(searches, _chat.Upstreams.Searches); // no search for a cached answer
        Assert.Equal(first["response"]!.ToJsonString(), second["response"]!.ToJsonString());
        Assert.Equal(first["citations"]!.ToJsonString(), second["citations"]!.ToJsonString());
        Assert.Equal(hitsBefore + 1, _chat.Service<ChatMetrics>().CacheHits);

        var messages = await ChatServiceFixture.MessagesAsync(otherFan, second["conversation_id"]!.GetValue<Guid>());
        Assert.Equal(second["response"]!.GetValue<string>(), messages[1]!["content"]!.GetValue<string>());
        Assert.Equal(second["citations"]!.ToJsonString(), messages[1]!["citations"]!.ToJsonString());
    }

    [Fact]
    public async Task Streaming_clients_see_cached_answers_flagged_too()
    {
        var fan = _chat.Fan(Guid.NewGuid());
        await ChatServiceFixture.AskAsync(fan, "What does the claw grip protect?");
        var events = await ChatServiceFixture.AskStreamingAsync(fan, new { creator_id = "kitchen-lab", message = "What does the claw grip protect?" });

        Assert.True(events[^1].Data!["cached"]!.GetValue<bool>());
        Assert.Contains("fingertips", string.Concat(events.Where(e => e.Event == "delta").Select(e => e.Data!["text"]!.GetValue<string>())));
        Assert.NotEmpty(events[^2].Data!.AsArray());
    }

    [Fact]
    public async Task Ingesting_or_deleting_videos_retires_that_creators_cached_answers()
    {
        const string question = "How long should dough rest?";
        var before = await ChatServiceFixture.AskAsync(_chat.Fan(Guid.NewGuid()), question);
        Assert.True((await ChatServiceFixture.AskAsync(_chat.Fan(Guid.NewGuid()), question))["cached"]!.GetValue<bool>());

        // Retrieval replaces the resting video (new findings) and announces the change.
        _chat.Upstreams.SetKnowledge(SampleKnowledge.Slug, SampleKnowledge.Chunks
            .Where(c => c.VideoId != "vid-rest-02")
            .Select(c => new FakeUpstreams.Chunk(c.VideoId, c.Title, c.Start, c.End, c.Text))
            .Append(new FakeUpstreams.Chunk("vid-rest-05", "Dough rest, retested", 12, 60,
                "I retested how long dough should rest. Forty minutes of rest beat twenty minutes in every roll-out.")));
        await _chat.PublishKnowledgeChangedAsync(SampleKnowledge.Slug);

        var after = await Eventually(async () =>
        {
            var answer = await ChatServiceFixture.AskAsync(_chat.Fan(Guid.NewGuid()), question);
            return answer["cached"]!.GetValue<bool>() ? null : answer;
        });

        Assert.Contains("twenty minutes of rest", before["response"]!.GetValue<string>());
        Assert.Contains("Forty minutes of rest", after["response"]!.GetValue<string>());
        Assert.Equal("vid-rest-05", after["citations"]!.AsArray()[0]!["video_id"]!.GetValue<string>());
        Assert.True((await ChatServiceFixture.AskAsync(_chat.Fan(Guid.NewGuid()), question))["cached"]!.GetValue<bool>()); // cached again, at the new version
    }

    [Fact]
    public async Task Follow_ups_are_not_answered_from_a_standalone_questions_cache()
    {
        var fan = _chat.Fan(Guid.NewGuid());
        await ChatServiceFixture.AskAsync(_chat.Fan(Guid.NewGuid()), "why?");
        var first = await ChatServiceFixture.AskAsync(fan, "Should I dry a steak before searing it?");
        var followUp = await ChatServiceFixture.AskAsync(fan, "why?", first["conversation_id"]!.GetValue<Guid>());

        Assert.False(followUp["cached"]!.GetValue<bool>());
        Assert.Contains("water keeps the surface at 100 degrees", followUp["response"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_persona_change_is_a_different_answer()
    {
        const string question = "What is the Maillard reaction?";
        await ChatServiceFixture.AskAsync(_chat.Fan(Guid.NewGuid()), question);
        var key = AnswerCache.Key(SampleKnowledge.Slug, "1", "m", "persona A", "q", "");
        Assert.NotEqual(key, AnswerCache.Key(SampleKnowledge.Slug, "1", "m", "persona B", "q", ""));
        Assert.NotEqual(key, AnswerCache.Key(SampleKnowledge.Slug, "2", "m", "persona A", "q", ""));
        Assert.NotEqual(key, AnswerCache.Key(SampleKnowledge.Slug, "1", "m2", "persona A", "q", ""));
        Assert.NotEqual(key, AnswerCache.Key(SampleKnowledge.Slug, "1", "m", "persona A", "q", "user:why"));
        Assert.StartsWith("chat:answer:kitchen-lab:1:", key);
    }

    private static async Task<T> Eventually<T>(Func<Task<T?>> attempt) where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            if (await attempt() is { } result)
            {
                return result;
            }

            Assert.True(DateTime.UtcNow < deadline, "the condition never came true");
            await Task.Delay(50);
        }
    }
}
