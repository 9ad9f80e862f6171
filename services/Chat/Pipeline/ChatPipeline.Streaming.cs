using CreatorChat.Chat.Model;
using Microsoft.Extensions.AI;

namespace CreatorChat.Chat.Pipeline;

// The model's side of a turn: its stream, through the citation tracker, into the transport.
public sealed partial class ChatPipeline
{
    /// <summary>Streams the model's answer through the citation tracker into the sink.</summary>
    private async Task<(TokenUsage? Usage, Exception? Failure, ChatFinishReason? FinishReason)> StreamModelAsync(
        PreparedTurn turn, IReadOnlyList<ChatMessage> prompt, CitationTracker tracker, ITurnSink sink, TurnState state, CancellationToken cancellationToken)
    {
        var idle = modelOptions.Value.IdleTimeout;
        using var modelCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        modelCancellation.CancelAfter(idle);
        var chatOptions = new ChatOptions { MaxOutputTokens = turn.Request.MaxOutputTokens, ModelId = _modelId };
        UsageDetails? usage = null;
        ChatFinishReason? finish = null;

        IAsyncEnumerator<ChatResponseUpdate>? updates = null;
        try
        {
            updates = model.GetStreamingResponseAsync(prompt, chatOptions, modelCancellation.Token).GetAsyncEnumerator(modelCancellation.Token);
            var next = updates.MoveNextAsync();
            while (true)
            {
                if (!next.IsCompleted)
                {
                    // The model is thinking: show what we have before waiting.
                    await sink.FlushAsync(cancellationToken);
                }

                bool more;
                try
                {
                    more = await next;
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    return (ToUsage(usage), ex is OperationCanceledException ? new TimeoutException($"The model was silent for {idle}.", ex) : ex, finish);
                }

                if (!more)
                {
                    break;
                }

                modelCancellation.CancelAfter(idle);
                var update = updates.Current;
                finish = update.FinishReason ?? finish;
                foreach (var content in update.Contents)
                {
                    if (content is UsageContent u)
                    {
                        (usage ??= new UsageDetails()).Add(u.Details);
                    }
                }

                var text = update.Text;
                if (!string.IsNullOrEmpty(text))
                {
                    var visible = tracker.Append(text);
                    if (visible.Length > 0)
                    {
                        await WriteAsync(sink, state, turn, visible, cancellationToken);
                    }
                }

                next = updates.MoveNextAsync();
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && updates is null)
        {
            return (null, ex, null); // the model client could not even start
        }
        finally
        {
            if (updates is not null)
            {
                try
                {
                    await updates.DisposeAsync();
                }
                catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException)
                {
                    // Abandoning a stream the server already broke.
                }
            }
        }

        return (ToUsage(usage), null, finish);
    }

    private async ValueTask WriteAsync(ITurnSink sink, TurnState state, PreparedTurn turn, string text, CancellationToken cancellationToken)
    {
        if (state.TimeToFirstToken is null)
        {
            await QuestionSavedAsync(turn);
        }

        state.TimeToFirstToken ??= timeProvider.GetElapsedTime(turn.StartedAt);
        await sink.DeltaAsync(text, cancellationToken);
        state.Delivered = true;
    }

    private static TokenUsage? ToUsage(UsageDetails? usage) =>
        usage is null ? null : new TokenUsage(usage.InputTokenCount, usage.OutputTokenCount, usage.TotalTokenCount ?? usage.InputTokenCount + usage.OutputTokenCount);
}
