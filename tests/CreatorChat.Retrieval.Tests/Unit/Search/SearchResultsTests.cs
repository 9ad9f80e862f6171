using CreatorChat.Retrieval.Model.Search;
using CreatorChat.ServiceDefaults.Model;

namespace CreatorChat.Retrieval.Tests.Unit.Search;

public sealed class SearchResultsTests
{
    [Theory]
    [InlineData("tiZFewofSLM", null, 5.88, "https://youtu.be/tiZFewofSLM?t=5")]
    [InlineData("tiZFewofSLM", "https://www.youtube.com/watch?v=tiZFewofSLM&list=PLo2EIpI_JMQvWfQndUesu0nPBAtZ9gP1o&index=2", 126.54, "https://www.youtube.com/watch?v=tiZFewofSLM&t=126s")]
    [InlineData("abc_DEF-123", "https://m.youtube.com/watch?v=abc_DEF-123", 59.999, "https://m.youtube.com/watch?v=abc_DEF-123&t=59s")]
    [InlineData("abc_DEF-123", "https://youtu.be/abc_DEF-123", 61, "https://youtu.be/abc_DEF-123?t=61")]
    [InlineData("abc", "https://vimeo.com/12345", 10, "https://youtu.be/abc?t=10")]
    [InlineData("abc", "not a url", 10, "https://youtu.be/abc?t=10")]
    [InlineData("abc", "https://evil.example/?youtube.com", 1, "https://youtu.be/abc?t=1")]
    [InlineData("abc", null, -3, "https://youtu.be/abc?t=0")]
    [InlineData("abc", null, double.NaN, "https://youtu.be/abc?t=0")]
    public void Deep_links_open_the_video_at_the_passage(string videoId, string? url, double start, string expected) =>
        Assert.Equal(expected, DeepLinks.Build(videoId, url, start));

    private static VectorMatch Match(string video, double start, double end, string text, float score) =>
        new(Guid.NewGuid(), video, Guid.NewGuid(), 0, new ChunkPayload("T", null, start, end, text), score);

    [Fact]
    public void Overlapping_passages_of_one_video_are_reported_once_best_first()
    {
        var matches = new[]
        {
            Match("a", 10, 50, "The crust forms as water leaves.", 0.9f),
            Match("a", 40, 80, "Water leaves and then the crust browns.", 0.8f), // overlaps the first by 10 s of 40: kept
            Match("a", 15, 45, "Crust, water, browning.", 0.7f), // inside the first: dropped
            Match("b", 10, 50, "A different video at the same time.", 0.6f),
            Match("c", 0, 30, "The crust forms as water leaves!", 0.5f), // the first one's text again (an intro reused): dropped
            Match("d", 0, 30, "Fourth.", 0.4f),
        };

        var kept = SearchResults.Deduplicate(matches, limit: 10);

        Assert.Equal([0.9f, 0.8f, 0.6f, 0.4f], kept.Select(k => k.Score));
    }

    [Fact]
    public void Deduplication_stops_at_the_limit() =>
        Assert.Equal(2, SearchResults.Deduplicate(Enumerable.Range(0, 10).Select(i => Match($"v{i}", 0, 10, $"text {i}", 1f - (i / 100f))), 2).Count);

    [Theory]
    [InlineData(0, 10, 5, 15, 0.5)]
    [InlineData(0, 10, 10, 20, 0)]
    [InlineData(0, 10, 2, 4, 1)]
    [InlineData(0, 0, 0, 10, 0)]
    public void Overlap_is_measured_against_the_shorter_passage(double s1, double e1, double s2, double e2, double expected) =>
        Assert.Equal(expected, SearchResults.Overlap(new ChunkPayload("", null, s1, e1, ""), new ChunkPayload("", null, s2, e2, "")), 3);

    [Fact]
    public void A_result_carries_the_deep_link_and_a_rounded_score()
    {
        var result = SearchResults.ToResult(new VectorMatch(Guid.NewGuid(), "tiZFewofSLM", Guid.NewGuid(), 3,
            new ChunkPayload("The pipeline function", null, 5.88, 40.1, "The pipeline function is..."), 0.4391234f));

        Assert.Equal(new SearchResult("tiZFewofSLM", "The pipeline function", 5.88, 40.1, "The pipeline function is...", 0.4391, "https://youtu.be/tiZFewofSLM?t=5"), result);
    }
}
