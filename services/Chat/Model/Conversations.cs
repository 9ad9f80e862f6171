namespace CreatorChat.Chat.Model;

public enum TurnStartStatus
{
    Started,
    ConversationNotFound,
    WrongCreator,
}

/// <summary>
/// The fan's question, saved before any answer is generated. <see cref="Saved"/> completes when it is
/// committed: for a new conversation the write is under way (the answer pipeline may search
/// meanwhile, and waits for it before the first word); for an existing one it is already done.
/// </summary>
public sealed record TurnStart(TurnStartStatus Status, Guid ConversationId, Guid UserMessageId, IReadOnlyList<HistoryTurn> History, Task Saved);

/// <summary>An answer as it is stored, whatever happened to it (complete, stopped or failed).</summary>
public sealed record AnswerRecord(
    Guid Id, Guid ConversationId, string CreatorSlug, Guid ReplyTo, string Content, IReadOnlyList<Citation> Citations,
    TokenUsage? Usage, string Status, bool Cached, int LatencyMs, string? Outcome, double? TopScore, string Model, DateTimeOffset CreatedAt,
    bool Degraded = false);

public sealed record TokenUsage(long? InputTokens, long? OutputTokens, long? TotalTokens);

public sealed record ConversationRow
{
    public Guid Id { get; init; }
    public string CreatorSlug { get; init; } = "";
    public string Title { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

public sealed record MessageRow
{
    public Guid Id { get; init; }
    public string Role { get; init; } = "";
    public string Content { get; init; } = "";
    public string Citations { get; init; } = "[]";
    public string Status { get; init; } = "";
    public bool Degraded { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public short? FeedbackRating { get; init; }
    public string? FeedbackComment { get; init; }
    public DateTimeOffset? FeedbackAt { get; init; }
}
