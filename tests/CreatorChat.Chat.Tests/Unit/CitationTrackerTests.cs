using CreatorChat.Chat.Pipeline;
using CreatorChat.Chat.Tests.Support;
using Xunit;

namespace CreatorChat.Chat.Tests.Unit;

public sealed class CitationTrackerTests
{
    private static (string Text, CitationTracker Tracker) Run(IEnumerable<string> fragments, int passages = 3)
    {
        var tracker = new CitationTracker(SampleKnowledge.Passages(Enumerable.Range(0, passages).ToArray()));
        var shown = string.Concat(fragments.Select(tracker.Append)) + tracker.Complete();
        Assert.Equal(tracker.Text, shown);
        return (shown, tracker);
    }

    [Fact]
    public void Markers_are_renumbered_in_order_of_first_use_and_map_to_their_passages()
    {
        var (text, tracker) = Run(["Rest it twenty minutes [3]. ", "Knead until it passes the windowpane test [2]. ", "Resting helps [3]."]);

        Assert.Equal("Rest it twenty minutes [1]. Knead until it passes the windowpane test [2]. Resting helps [1].", text);
        var citations = tracker.Citations();
        Assert.Equal([1, 2], citations.Select(c => c.Number));
        Assert.Equal("vid-rest-02", citations[0].VideoId);
        Assert.Equal(30, citations[0].StartSeconds);
        Assert.Equal("https://youtu.be/vid-rest-02?t=30", citations[0].Url);
        Assert.Equal("How long should dough rest?", citations[0].Title);
        Assert.Equal("vid-knead-01", citations[1].VideoId);
        Assert.Equal(118, citations[1].StartSeconds);
    }

    [Fact]
    public void A_marker_split_across_tokens_is_held_back_until_complete()
    {
        var tracker = new CitationTracker(SampleKnowledge.Passages(0, 1));
        Assert.Equal("It works ", tracker.Append("It works "));
        Assert.Equal("", tracker.Append("["));
        Assert.Equal("", tracker.Append("2"));
        Assert.Equal("[1].", tracker.Append("]."));
        Assert.Equal("vid-knead-01", Assert.Single(tracker.Citations()).VideoId);
    }

    [Fact]
    public void References_to_passages_that_do_not_exist_are_removed()
    {
        var (text, tracker) = Run(["Invented [7]. Real [1]. Mixed [1, 9]. Zero [0]."]);
        Assert.Equal("Invented . Real [1]. Mixed [1]. Zero .", text);
        Assert.Single(tracker.Citations());
    }

    [Fact]
    public void Lists_of_passages_in_one_marker_are_kept()
    {
        var (text, tracker) = Run(["Both agree [2,1]."]);
        Assert.Equal("Both agree [1, 2].", text);
        Assert.Equal(["vid-knead-01", "vid-knead-01"], tracker.Citations().Select(c => c.VideoId));
    }

    [Theory]
    [InlineData("An aside [note] here.")]
    [InlineData("Array a[i] and [ ] and [x1].")]
    [InlineData("Unclosed [12")]
    [InlineData("Numbers like [1 2] stay.")]
    public void Brackets_that_are_not_markers_are_ordinary_text(string text)
    {
        var (shown, tracker) = Run([text]);
        Assert.Equal(text, shown);
        Assert.Empty(tracker.Citations());
    }

    [Fact]
    public void The_quote_is_the_transcript_sentence_that_supports_the_claim()
    {
        var (_, tracker) = Run(["I tested it: the kneaded loaf rose almost twice as high [1]. The windowpane test tells you when to stop [2]."]);
        var citations = tracker.Citations();

        Assert.StartsWith("I kneaded one dough for ten minutes and left the other alone, and the kneaded loaf rose almost twice as high.", citations[0].Quote);
        Assert.StartsWith("The windowpane test tells you when to stop.", citations[1].Quote);
    }

    [Fact]
    public void A_marker_after_the_full_stop_belongs_to_the_sentence_before_it()
    {
        var (_, tracker) = Run(["Dry the steak with paper towels first. [4]"], passages: 4);
        Assert.StartsWith("Dry the steak with paper towels first", tracker.Citations()[0].Quote);
    }

    [Fact]
    public void Quotes_are_bounded()
    {
        var passage = new CreatorChat.Chat.Model.Passage(1, "v", "t", 0, 1, string.Join(' ', Enumerable.Repeat("word", 400)) + ".", 1, "u");
        Assert.True(CitationTracker.QuoteFor(passage, "word").Length <= CitationTracker.MaxQuoteLength);
    }
}
