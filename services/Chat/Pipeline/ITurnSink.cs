using CreatorChat.Chat.Model;

namespace CreatorChat.Chat.Pipeline;

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
