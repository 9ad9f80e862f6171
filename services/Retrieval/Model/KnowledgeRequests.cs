using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using CreatorChat.Retrieval.Model.Captions;

namespace CreatorChat.Retrieval.Model;

/// <summary>POST /api/v1/creators/{slug}/videos. Everything is read as strings so that each field gets its own error.</summary>
public sealed record IngestVideoRequest(string? VideoId, string? Title, string? Url, string? PublishedAt, string? Format, string? Transcript);

public sealed record IngestAccepted(Guid JobId, string VideoId);

public sealed record VideoView(
    string VideoId, string Title, string? Url, DateTimeOffset? PublishedAt, int ChunkCount, string Status, string? Error, Guid? JobId, DateTimeOffset UpdatedAt)
{
    public static VideoView From(Video v) => new(v.VideoId, v.Title, v.Url, v.PublishedAt, v.ChunkCount, v.Status, v.Error, v.LatestJobId, v.UpdatedAt);
}

public sealed record JobView(
    Guid JobId, [property: JsonPropertyName("creator_id")] string CreatorSlug, string VideoId, string Status, double Progress, string? Error, int Attempts, int? CueCount, int? ChunkCount,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt)
{
    public static JobView From(IngestionJob j) => new(
        j.Id, j.CreatorSlug, j.VideoId, j.Status, Math.Round(j.Progress, 3), j.Error, j.Attempts, j.CueCount, j.ChunkCount, j.CreatedAt, j.StartedAt, j.FinishedAt);
}

/// <summary>POST /internal/v1/search (chat → retrieval).</summary>
public sealed record InternalSearchRequest([property: JsonPropertyName("creator_id")] string? CreatorSlug, string? Query, int? K, float? MinScore);

/// <param name="Confidence">How likely the best result answers the query (0..1, calibrated; 0 without results): chat's "not covered" decision.</param>
public sealed record InternalSearchResponse(long KnowledgeVersion, IReadOnlyList<Search.SearchResult> Results, double Confidence);

public sealed record KnowledgeView([property: JsonPropertyName("creator_id")] string CreatorSlug, long KnowledgeVersion, int VideoCount, int ChunkCount)
{
    public static KnowledgeView From(KnowledgeState s) => new(s.CreatorSlug, s.Version, s.VideoCount, s.ChunkCount);
}

/// <summary>A validated upload, ready to queue.</summary>
public sealed record ValidIngestion(string VideoId, string Title, string? Url, DateTimeOffset? PublishedAt, CaptionFormat Format, string Transcript, int CueCount);

public static partial class KnowledgeValidation
{
    public const int MaxTranscriptBytes = 5 * 1024 * 1024;

    /// <summary>The JSON body may be a little larger than the transcript (escaping, other fields); the gateway allows 6 MB.</summary>
    public const int MaxBodyBytes = 6 * 1024 * 1024;

    public const int TitleMax = 300;
    public const int UrlMax = 2048;
    public const int VideoIdMax = 64;

    // YouTube ids are 11 characters of [A-Za-z0-9_-]; other platforms' ids fit the same alphabet.
    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex VideoIdPattern();

    public static bool IsValidVideoId(string? id) => id is not null && VideoIdPattern().IsMatch(id);

    public static bool IsTooLarge(IngestVideoRequest request) =>
        request.Transcript is { } t && (t.Length > MaxTranscriptBytes || Encoding.UTF8.GetByteCount(t) > MaxTranscriptBytes);

    /// <summary>Checks every field, then parses the transcript so that unreadable captions are refused now, not in the job.</summary>
    public static (ValidIngestion? Valid, Dictionary<string, string[]> Errors) Validate(IngestVideoRequest request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!IsValidVideoId(request.VideoId))
        {
            errors["video_id"] = ["Required: 1 to 64 letters, digits, '-' or '_' (a YouTube video id, for example 'dQw4w9WgXcQ')."];
        }

        var title = request.Title?.Trim();
        if (string.IsNullOrEmpty(title))
        {
            errors["title"] = ["A title is required."];
        }
        else if (title.Length > TitleMax)
        {
            errors["title"] = [$"At most {TitleMax} characters."];
        }
        else if (title.Any(char.IsControl))
        {
            errors["title"] = ["Control characters are not allowed."];
        }

        var url = string.IsNullOrWhiteSpace(request.Url) ? null : request.Url.Trim();
        if (url is not null && (url.Length > UrlMax || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)))
        {
            errors["url"] = [$"Must be an absolute http(s) URL of at most {UrlMax} characters."];
        }

        DateTimeOffset? publishedAt = null;
        if (!string.IsNullOrWhiteSpace(request.PublishedAt))
        {
            if (DateTimeOffset.TryParse(request.PublishedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            {
                publishedAt = parsed;
            }
            else
            {
                errors["published_at"] = ["Must be an ISO 8601 date-time, for example '2024-05-01T17:00:00Z'."];
            }
        }

        CaptionFormat format = default;
        if (request.Format is null)
        {
            errors["format"] = ["Required: one of 'srt', 'vtt', 'text'."];
        }
        else if (!CaptionFormats.TryParse(request.Format, out format))
        {
            errors["format"] = [$"'{Shorten(request.Format)}' is not a transcript format: use one of 'srt', 'vtt', 'text'."];
        }

        if (string.IsNullOrWhiteSpace(request.Transcript))
        {
            errors["transcript"] = ["The transcript is empty."];
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var parsedCaptions = CaptionParser.Parse(request.Transcript!, format);
        if (parsedCaptions.Problem(format) is { } problem)
        {
            errors["transcript"] = [problem, .. parsedCaptions.Issues.Take(5).Select(i => i.ToString())];
            return (null, errors);
        }

        return (new ValidIngestion(request.VideoId!, title!, url, publishedAt, format, request.Transcript!, parsedCaptions.Cues.Count), errors);
    }

    private static string Shorten(string value) => value.Length <= 20 ? value : value[..20] + "…";
}

public sealed record RetrievalStats(long Videos, long Chunks);
