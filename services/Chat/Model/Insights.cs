using System.Text.Json.Serialization;

namespace CreatorChat.Chat.Model;

public sealed record QuestionStat
{
    public string QuestionKey { get; init; } = "";
    public string Example { get; init; } = "";
    public long Count { get; init; }
    public DateTimeOffset LastAskedAt { get; init; }
    public double? BestScore { get; init; }
}

public sealed record InsightTotals
{
    public long Questions { get; init; }
    public long Answered { get; init; }
    public long NotCovered { get; init; }
    public long RetrievalUnavailable { get; init; }
    public long ThumbsUp { get; init; }
    public long ThumbsDown { get; init; }
}

public sealed record ChatStats
{
    public long Conversations { get; init; }
    public long Messages24h { get; init; }
    public double? CacheHitRate { get; init; }
}

public sealed record QuestionView(string Question, long Count, DateTimeOffset LastAskedAt, double? BestScore);

public sealed record InsightsView(
    [property: JsonPropertyName("creator_id")] string CreatorSlug, DateTimeOffset Since, long Questions, long Answered, long NotCovered, long RetrievalUnavailable,
    long ThumbsUp, long ThumbsDown, IReadOnlyList<QuestionView> TopQuestions, IReadOnlyList<QuestionView> UnansweredQuestions);

/// <summary>The gateway's admin stats (<c>/internal/v1/stats</c>).</summary>
public sealed record StatsView(
    long Conversations, [property: JsonPropertyName("messages_24h")] long Messages24h, double CacheHitRate, long ActiveStreams);
