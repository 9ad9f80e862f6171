using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace CreatorChat.Chat.Llm;

/// <summary>
/// What a middleware learns from a model's streamed answer as it passes through: time to the first
/// text, model and response ids, finish reason, token usage, and how the stream ended (completed,
/// failed, or abandoned by the caller). Shared by the telemetry and logging middleware.
/// </summary>
public sealed class StreamObservation(TimeProvider timeProvider)
{
    private readonly long _started = timeProvider.GetTimestamp();

    public TimeSpan Elapsed => timeProvider.GetElapsedTime(_started);

    public TimeSpan? FirstChunk { get; private set; }

    public string? ModelId { get; private set; }

    public string? ResponseId { get; private set; }

    public ChatFinishReason? FinishReason { get; private set; }

    public UsageDetails? Usage { get; private set; }

    /// <summary>The model finished the stream.</summary>
    public bool Completed { get; private set; }

    /// <summary>Why the stream broke off, when the model (or its connection) failed.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Relays <paramref name="source"/>, observing every update; <paramref name="onEnd"/> runs once however the stream ends.</summary>
    public async IAsyncEnumerable<ChatResponseUpdate> WatchAsync(
        IAsyncEnumerable<ChatResponseUpdate> source, Action<StreamObservation> onEnd, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var enumerator = source.GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                ChatResponseUpdate update;
                try
                {
                    if (!await enumerator.MoveNextAsync())
                    {
                        Completed = true;
                        break;
                    }

                    update = enumerator.Current;
                }
                catch (Exception ex)
                {
                    Failure = ex;
                    throw;
                }

                Observe(update);
                yield return update;
            }
        }
        finally
        {
            await enumerator.DisposeAsync();
            onEnd(this);
        }
    }

    private void Observe(ChatResponseUpdate update)
    {
        if (FirstChunk is null && !string.IsNullOrEmpty(update.Text))
        {
            FirstChunk = Elapsed;
        }

        ModelId ??= update.ModelId;
        ResponseId ??= update.ResponseId;
        FinishReason = update.FinishReason ?? FinishReason;
        foreach (var content in update.Contents)
        {
            if (content is UsageContent usage)
            {
                (Usage ??= new UsageDetails()).Add(usage.Details);
            }
        }
    }
}
