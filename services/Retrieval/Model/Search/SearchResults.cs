using CreatorChat.Retrieval.Model.Text;
using CreatorChat.ServiceDefaults.Model;

namespace CreatorChat.Retrieval.Model.Search;

/// <summary>
/// One search hit as the API returns it; <see cref="Url"/> opens the video at <see cref="StartSeconds"/>. <see cref="Score"/>
/// ranks (hybrid: the fused score, 1 = first in both rankings); <see cref="Confidence"/> is the calibrated probability
/// that the passage answers the query (<see cref="SearchConfidence"/>).
/// </summary>
public sealed record SearchResult(string VideoId, string Title, double StartSeconds, double EndSeconds, string Text, double Score, string Url, double Confidence = 0);

public static class SearchResults
{
    /// <summary>Two hits of one video whose time spans overlap by at least this share of the shorter one are the same passage.</summary>
    public const double DuplicateOverlap = 0.5;

    /// <summary>
    /// Drops hits that repeat a better one: overlapping passages of the same video (neighbouring chunks
    /// share a sentence; a re-chunked video may differ slightly), and identical text anywhere (intros and
    /// outros repeated across videos). Input must be best first; order is kept.
    /// </summary>
    public static List<VectorMatch> Deduplicate(IEnumerable<VectorMatch> matches, int limit)
    {
        var kept = new List<VectorMatch>();
        var texts = new HashSet<string>(StringComparer.Ordinal);
        foreach (var match in matches)
        {
            if (kept.Count >= limit)
            {
                break;
            }

            var text = Normalize(match.Payload.Text);
            if (texts.Contains(text) || kept.Any(k => k.VideoId == match.VideoId && Overlap(k.Payload, match.Payload) >= DuplicateOverlap))
            {
                continue;
            }

            texts.Add(text);
            kept.Add(match);
        }

        return kept;
    }

    public static double Overlap(ChunkPayload a, ChunkPayload b)
    {
        var intersection = Math.Min(a.EndSeconds, b.EndSeconds) - Math.Max(a.StartSeconds, b.StartSeconds);
        if (intersection <= 0)
        {
            return 0;
        }

        var shorter = Math.Min(a.EndSeconds - a.StartSeconds, b.EndSeconds - b.StartSeconds);
        return shorter <= 0 ? 1 : intersection / shorter;
    }

    public static SearchResult ToResult(VectorMatch match, double confidence = 0) => new(
        match.VideoId,
        match.Payload.Title,
        match.Payload.StartSeconds,
        match.Payload.EndSeconds,
        match.Payload.Text,
        Math.Round(match.Score, 4),
        DeepLinks.Build(match.VideoId, match.Payload.Url, match.Payload.StartSeconds),
        Math.Round(confidence, 4));

    private static string Normalize(string text) => string.Join(' ', LexicalAnalyzer.Tokens(text));
}
