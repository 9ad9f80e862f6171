namespace CreatorChat.Cli.Api;

public sealed record VideoUpload(string VideoId, string Title, string? Url, string Format, string Transcript);

public sealed record UploadAccepted(Guid JobId, string VideoId);

public sealed record Video(string VideoId, string Title, string? Url, int ChunkCount, string Status, string? Error, Guid? JobId);

public sealed record Job(Guid JobId, string VideoId, string Status, double Progress, string? Error);

public sealed record SearchHit(string VideoId, string Title, double StartSeconds, double EndSeconds, string Text, double Score, string Url);

public sealed record QuestionStat(string Question, long Count, DateTimeOffset LastAskedAt, double? BestScore);

public sealed record Insights(
    string CreatorId, DateTimeOffset Since, long Questions, long Answered, long NotCovered, long RetrievalUnavailable,
    long ThumbsUp, long ThumbsDown, IReadOnlyList<QuestionStat> TopQuestions, IReadOnlyList<QuestionStat> UnansweredQuestions);

/// <summary>The platform's names for a video's state (<c>GET …/videos</c>).</summary>
public static class VideoStatuses
{
    public const string Queued = "queued";
    public const string Processing = "processing";
    public const string Ready = "ready";
    public const string Failed = "failed";
}
