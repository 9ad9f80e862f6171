namespace CreatorChat.Chat.Model;

/// <summary>A question to answer, as a transport received it (already validated for shape).</summary>
/// <param name="Persist">
/// True for the chat API and WebSocket (the conversation is stored); false for the stateless
/// OpenAI-compatible API, whose clients send the history themselves (<paramref name="History"/>).
/// </param>
/// <param name="TurnId">The gateway's id of this turn (<c>TurnIdentity</c>): a retry of it stores nothing twice.</param>
public sealed record TurnRequest(
    Guid UserId, string CreatorSlug, string Message, Guid? ConversationId, string Transport, bool Persist,
    IReadOnlyList<HistoryTurn>? History = null, int? MaxOutputTokens = null, Guid? TurnId = null);

/// <summary>
/// A question whose creator is known and (when persisted) whose user message is being saved:
/// <see cref="QuestionSaved"/> completes when it is committed, always before the answer's first word.
/// </summary>
public sealed record PreparedTurn(
    TurnRequest Request, CreatorProfile Creator, string Question, string QuestionKey, IReadOnlyList<HistoryTurn> Context,
    Guid? ConversationId, Guid? UserMessageId, Guid AnswerId, long StartedAt, Task QuestionSaved);

/// <summary>Why a question could not be taken (before anything was streamed).</summary>
public sealed record TurnProblem(int Status, string Title, string Detail, IDictionary<string, string[]>? Errors = null);

/// <summary>What became of an answer.</summary>
public sealed record TurnResult(
    Guid? ConversationId, Guid AnswerId, string Text, IReadOnlyList<Citation> Citations, bool Cached, TokenUsage? Usage,
    string Status, string? Outcome, string Model, string? ErrorDetail, string FinishReason = "stop")
{
    /// <summary>Composed without consulting the creator's videos (retrieval down): flagged to the client, stored as such, never cached.</summary>
    public bool Degraded => Outcome == TurnOutcomes.RetrievalUnavailable;

    public bool Failed => Status == MessageStatuses.Failed;
}
