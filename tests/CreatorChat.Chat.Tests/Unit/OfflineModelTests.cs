using CreatorChat.Chat.Llm;
using CreatorChat.Chat.Model;
using CreatorChat.Chat.Pipeline;
using CreatorChat.Chat.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Xunit;

namespace CreatorChat.Chat.Tests.Unit;

public sealed class OfflineModelTests
{
    private static OfflineChatClient Model(TimeSpan? delay = null) =>
        new(Options.Create(new OfflineModelOptions { TokenDelay = delay ?? TimeSpan.Zero }), TimeProvider.System);

    private static async Task<(string Text, List<ChatResponseUpdate> Updates, CitationTracker Tracker)> AskAsync(
        string question, IReadOnlyList<Passage> passages, ChatOptions? options = null, double? confidence = null)
    {
        var prompt = PromptBuilder.Build(SampleKnowledge.Creator, passages, [], question, confidence);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in Model().GetStreamingResponseAsync(prompt, options))
        {
            updates.Add(update);
        }

        var tracker = new CitationTracker(passages);
        foreach (var update in updates)
        {
            tracker.Append(update.Text);
        }

        tracker.Complete();
        return (tracker.Text, updates, tracker);
    }

    [Fact]
    public async Task It_answers_in_the_first_person_from_the_most_relevant_sentences_and_cites_them()
    {
        var passages = SampleKnowledge.Passages(3, 0, 2); // retrieval's ranking put the sear video first
        var (text, _, tracker) = await AskAsync("How long should I knead bread dough?", passages);

        Assert.Contains("I kneaded one dough for ten minutes", text);
        Assert.Contains("Why you knead bread dough", text);
        Assert.DoesNotContain("Maillard", text);
        var citation = tracker.Citations()[0];
        Assert.Equal("vid-knead-01", citation.VideoId);
        Assert.Equal(62, citation.StartSeconds);
        Assert.Contains("[1]", text);
        Assert.Contains("from 1:02", text); // where to watch it
        Assert.Contains(citation.Quote[..40], text); // the quote is a sentence the answer used
        Assert.All(tracker.Citations(), c => Assert.Contains(c.Quote[..20], string.Concat(passages.Select(p => p.Text))));
    }

    [Fact]
    public async Task It_streams_token_by_token_and_reports_usage()
    {
        var (text, updates, _) = await AskAsync("Why should I dry a steak before searing?", SampleKnowledge.Passages(3));

        var textUpdates = updates.Where(u => !string.IsNullOrEmpty(u.Text)).ToList();
        Assert.True(textUpdates.Count > 20, $"only {textUpdates.Count} updates");
        Assert.All(textUpdates, u => Assert.DoesNotContain(' ', u.Text.TrimEnd()));
        Assert.Equal(ChatFinishReason.Stop, updates[^1].FinishReason);
        var usage = Assert.IsType<UsageContent>(Assert.Single(updates[^1].Contents));
        Assert.Equal(textUpdates.Count, usage.Details.OutputTokenCount);
        Assert.True(usage.Details.InputTokenCount > 100);
        Assert.Contains("Dry the steak with paper towels first", text);
        Assert.All(updates, u => Assert.Equal(OfflineChatClient.ModelId, u.ModelId));
    }

    [Fact]
    public async Task The_same_prompt_always_gives_the_same_answer()
    {
        var first = await AskAsync("What is the windowpane test?", SampleKnowledge.Passages(0, 1, 2));
        var second = await AskAsync("What is the windowpane test?", SampleKnowledge.Passages(0, 1, 2));
        Assert.Equal(first.Text, second.Text);
        Assert.Contains("light shines through without tearing", first.Text);
    }

    [Fact]
    public async Task It_says_plainly_when_the_passages_do_not_cover_the_question()
    {
        var (text, _, tracker) = await AskAsync("How do I change a car tire?", SampleKnowledge.Passages(4, 3));

        Assert.Empty(tracker.Citations());
        Assert.DoesNotContain("[", text);
        Assert.Matches("(don't think I've covered|haven't covered|not something I've talked about)", text);
    }

    [Fact]
    public async Task A_paraphrase_retrieval_is_sure_of_is_answered_from_its_passage_though_it_shares_no_word()
    {
        const string question = "What stops my hands getting hurt while chopping?";

        var (sure, _, sureTracker) = await AskAsync(question, SampleKnowledge.Passages(4, 3), confidence: 0.93);
        var (unsure, _, unsureTracker) = await AskAsync(question, SampleKnowledge.Passages(4, 3), confidence: 0.3);

        Assert.Equal(["vid-knife-04"], sureTracker.Citations().Select(c => c.VideoId).Distinct());
        Assert.Contains("claw grip", sure);
        Assert.Contains("[1]", sure);
        Assert.Empty(unsureTracker.Citations()); // without retrieval's word, the question's own words decide: not covered
        Assert.Matches("(don't think I've covered|haven't covered|not something I've talked about)", unsure);
    }

    [Fact]
    public async Task The_passage_retrieval_is_sure_of_is_always_cited_beside_the_ones_that_share_the_questions_words()
    {
        var (text, _, tracker) = await AskAsync("Why does dough need kneading?", SampleKnowledge.Passages(2, 0), confidence: 0.9);

        Assert.Contains(tracker.Citations(), c => c.VideoId == "vid-knead-01");
        Assert.Contains(tracker.Citations(), c => c.VideoId == "vid-rest-02");
        Assert.Contains("[1]", text);
    }

    [Fact]
    public async Task Without_passages_it_does_not_guess()
    {
        var (text, _, tracker) = await AskAsync("What's the best flour for pizza?", []);
        Assert.Empty(tracker.Citations());
        Assert.Contains("home cooking science", text); // points to what the creator does talk about
    }

    [Fact]
    public async Task Greetings_get_a_friendly_introduction()
    {
        var (text, _, _) = await AskAsync("Hi Maya!", SampleKnowledge.Passages(4));
        Assert.StartsWith("Hi! I'm Maya Okafor.", text);
    }

    [Fact]
    public async Task Max_output_tokens_are_honoured()
    {
        var (_, updates, _) = await AskAsync("How long should dough rest?", SampleKnowledge.Passages(2), new ChatOptions { MaxOutputTokens = 5 });
        Assert.Equal(5, updates.Count(u => !string.IsNullOrEmpty(u.Text)));
        Assert.Equal(ChatFinishReason.Length, updates[^1].FinishReason);
    }

    [Fact]
    public async Task Cancellation_stops_the_stream()
    {
        using var cancellation = new CancellationTokenSource();
        var prompt = PromptBuilder.Build(SampleKnowledge.Creator, SampleKnowledge.Passages(0), [], "Why knead?");
        var received = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in Model(TimeSpan.FromMilliseconds(5)).GetStreamingResponseAsync(prompt, null, cancellation.Token))
            {
                if (++received == 3)
                {
                    await cancellation.CancelAsync();
                }
            }
        });
        Assert.Equal(3, received);
    }

    [Fact]
    public async Task The_non_streaming_call_returns_the_same_answer()
    {
        var prompt = PromptBuilder.Build(SampleKnowledge.Creator, SampleKnowledge.Passages(2), [], "Does resting dough help?");
        var response = await Model().GetResponseAsync(prompt);
        var (streamed, _, _) = await AskAsync("Does resting dough help?", SampleKnowledge.Passages(2));
        Assert.Equal(streamed, response.Text);
        Assert.NotNull(response.Usage);
    }

    [Fact]
    public async Task A_follow_up_is_understood_through_the_previous_question()
    {
        var passages = SampleKnowledge.Passages(2, 0);
        var history = new List<HistoryTurn> { new("user", "Does resting bread dough make it easier to roll?"), new("assistant", "Yes [1].") };
        var prompt = PromptBuilder.Build(SampleKnowledge.Creator, passages, history, "And for how long?");
        var response = await Model().GetResponseAsync(prompt);

        Assert.Contains("twenty minutes of rest made the dough twice as easy to roll out", response.Text);
        Assert.Contains("[1]", response.Text);
    }

    [Fact]
    public void It_describes_itself()
    {
        var metadata = Model().GetService<ChatClientMetadata>();
        Assert.Equal(OfflineChatClient.ModelId, metadata?.DefaultModelId);
    }
}
