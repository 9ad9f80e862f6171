using CreatorChat.Chat.Infrastructure;
using CreatorChat.Chat.Model;

namespace CreatorChat.Chat.Pipeline;

/// <summary>A question to answer, as a transport received it (already validated for shape).</summary>
/// <param name="Persist">
/// True for the chat API and WebSocket (the conversation is stored); false for the stateless
/// OpenAI-compatible API, whose clients send the history themselves (<paramref name="History"/>).
/// </param>
/// <param name="TurnId">The gateway's id of this turn (<see cref="TurnIdentity"/>): a retry of it stores nothing twice.</param>
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

/// <summary>
/// Where a transport receives an answer as it is produced. Text is written with
/// <see cref="DeltaAsync"/> and made visible with <see cref="FlushAsync"/>: the pipeline flushes
/// whenever the model pauses, so a fast model costs one network write per burst, not per token.
/// </summary>
public interface ITurnSink
{
    ValueTask DeltaAsync(string text, CancellationToken cancellationToken);

    ValueTask FlushAsync(CancellationToken cancellationToken);

    /// <summary>The answer is complete (or stopped) and saved: citations, then the end of the turn.</summary>
    ValueTask CompleteAsync(TurnResult result, CancellationToken cancellationToken);

    /// <summary>The answer failed (model down); the question is kept.</summary>
    ValueTask FailAsync(TurnResult result, CancellationToken cancellationToken);
}

/// <summary>For callers that only want the final result (the JSON API).</summary>
public sealed class NullTurnSink : ITurnSink
{
    public static readonly NullTurnSink Instance = new();

    public ValueTask DeltaAsync(string text, CancellationToken cancellationToken) => default;

    public ValueTask FlushAsync(CancellationToken cancellationToken) => default;

    public ValueTask CompleteAsync(TurnResult result, CancellationToken cancellationToken) => default;

    public ValueTask FailAsync(TurnResult result, CancellationToken cancellationToken) => default;
}
