using System.Net.WebSockets;
using CreatorChat.Chat.Model;
using CreatorChat.ServiceDefaults.Http;
using Npgsql;

namespace CreatorChat.Chat.Pipeline;

// How a turn ends: served from a fixed text, stopped, failed, and saved exactly once whatever the client does.
public sealed partial class ChatPipeline
{
    private async Task<TurnResult> ServeAsync(
        PreparedTurn turn, ITurnSink sink, TurnState state, string text, IReadOnlyList<Citation> citations, string outcome,
        double? topScore, bool cached, TokenUsage? usage, string modelId, CancellationToken cancellationToken)
    {
        state.Tracker = null;
        state.FixedText = text;
        state.FixedCitations = citations;
        state.TopScore = topScore;
        await WriteAsync(sink, state, turn, text, cancellationToken);
        var result = new TurnResult(turn.ConversationId, turn.AnswerId, text, citations, cached, usage, MessageStatuses.Complete, outcome, modelId, null);
        if (!await SaveAsync(turn, state, result))
        {
            return await SaveFailedAsync(turn, sink, result);
        }

        await sink.CompleteAsync(result, cancellationToken);
        return result;
    }

    private async Task<TurnResult> EndStoppedAsync(PreparedTurn turn, ITurnSink sink, TurnState state)
    {
        if (state.Saved is { } saved)
        {
            return saved; // complete and saved; only the final notice did not reach the client
        }

        string text;
        IReadOnlyList<Citation> citations;
        if (state.Tracker is { } tracker)
        {
            tracker.Complete();
            text = tracker.Text;
            citations = tracker.Citations();
        }
        else
        {
            text = state.Delivered ? state.FixedText ?? "" : "";
            citations = state.Delivered ? state.FixedCitations ?? [] : [];
        }

        var result = new TurnResult(turn.ConversationId, turn.AnswerId, text, citations, false, null, MessageStatuses.Stopped,
            citations.Count > 0 ? TurnOutcomes.Answered : null, _modelId, null);
        await SaveAsync(turn, state, result);
        await TryAsync(() => sink.CompleteAsync(result, CancellationToken.None)); // a WebSocket client that said stop is still listening
        return result;
    }

    private async Task<TurnResult> SaveFailedAsync(PreparedTurn turn, ITurnSink sink, TurnResult result)
    {
        var failed = result with { Status = MessageStatuses.Failed, ErrorDetail = SaveFailedDetail };
        await TryAsync(() => sink.FailAsync(failed, CancellationToken.None));
        return failed;
    }

    /// <returns>False when the answer could not be saved (the database is down).</returns>
    private async Task<bool> SaveAsync(PreparedTurn turn, TurnState state, TurnResult result)
    {
        if (!turn.Request.Persist || turn.ConversationId is null || turn.UserMessageId is null)
        {
            state.Saved = result;
            return true;
        }

        if (state.Saved is not null)
        {
            return true; // already saved (the client left while being told): keep what was saved
        }

        var topScore = state.TopScore;
        // Not the client's token: once an answer is being saved, a client leaving must not leave it half-known.
        using var budget = new CancellationTokenSource(SaveBudget, timeProvider);
        try
        {
            await store.SaveAnswerAsync(new AnswerRecord(
                turn.AnswerId, turn.ConversationId.Value, turn.Creator.Slug, turn.UserMessageId.Value, result.Text, result.Citations,
                result.Usage, result.Status, result.Cached, (int)Math.Min(int.MaxValue, timeProvider.GetElapsedTime(turn.StartedAt).TotalMilliseconds),
                result.Outcome, topScore, result.Model, timeProvider.GetUtcNow(), result.Degraded), budget.Token);
            state.Saved = result;
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException or OperationCanceledException
                                       or Polly.CircuitBreaker.BrokenCircuitException or Polly.Timeout.TimeoutRejectedException)
        {
            if (DependencyUnavailable.Of(ex) is { } dependency)
            {
                faults.Report(dependency, ex);
            }
            else
            {
                LogSaveFailed(ex, turn.AnswerId, result.Status);
            }

            return false;
        }
    }

    /// <summary>Waits for the question's write (started in <see cref="PrepareAsync"/>, overlapped with cache lookup and search).</summary>
    private static async Task QuestionSavedAsync(PreparedTurn turn)
    {
        try
        {
            await turn.QuestionSaved;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new QuestionNotSavedException(ex);
        }
    }

    private sealed class QuestionNotSavedException(Exception inner) : Exception("The question could not be saved.", inner);

    private static async Task TryAsync(Func<ValueTask> action)
    {
        try
        {
            await action();
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or WebSocketException or InvalidOperationException)
        {
            // The client is gone; the answer is saved, which is what matters.
        }
    }

    /// <summary>The client went away (or asked to stop): everything that fails from here is a consequence.</summary>
    private static bool IsStop(Exception ex, CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ||
        ex is IOException or WebSocketException or ObjectDisposedException or Microsoft.AspNetCore.Connections.ConnectionAbortedException;
}
