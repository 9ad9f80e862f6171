namespace CreatorChat.Chat.Model;

/// <summary>A conversation to create (with its first question).</summary>
public sealed record ConversationRowWrite(Guid Id, Guid UserId, string CreatorSlug, string Title, DateTimeOffset CreatedAt);

/// <summary>A message to insert, question or answer.</summary>
public sealed record MessageRowWrite(
    Guid Id, Guid ConversationId, string CreatorSlug, string Role, string Content, string Citations, string? Usage, string Status,
    bool Cached, int? LatencyMs, Guid? ReplyTo, string? QuestionKey, string? Outcome, float? TopScore, string? Model, DateTimeOffset CreatedAt,
    bool Degraded = false);
