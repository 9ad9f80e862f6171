using Microsoft.Extensions.AI;

namespace CreatorChat.Chat.Llm;

/// <summary>
/// Logs every model call with message templates: outcome, duration, first-chunk time and tokens at
/// Debug (one line per turn would flood Information at hundreds of turns a second), failures at
/// Warning. Prompts and answers are never logged: they are fans' private messages.
/// </summary>
public sealed partial class LoggingChatClient(IChatClient inner, ILogger<LoggingChatClient> logger, TimeProvider timeProvider) : DelegatingChatClient(inner)
{
    private readonly string _model = inner.GetService<ChatClientMetadata>()?.DefaultModelId ?? "unknown";

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var started = timeProvider.GetTimestamp();
        try
        {
            var response = await base.GetResponseAsync(messages, options, cancellationToken);
            LogCompleted(_model, timeProvider.GetElapsedTime(started).TotalMilliseconds, null, response.Usage?.OutputTokenCount, response.FinishReason?.Value);
            return response;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogCancelled(_model, timeProvider.GetElapsedTime(started).TotalMilliseconds);
            throw;
        }
        catch (Exception ex)
        {
            LogFailed(ex, _model, timeProvider.GetElapsedTime(started).TotalMilliseconds, ex.GetType().Name);
            throw;
        }
    }

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        new StreamObservation(timeProvider).WatchAsync(base.GetStreamingResponseAsync(messages, options, cancellationToken), observed =>
        {
            var elapsed = observed.Elapsed.TotalMilliseconds;
            if (observed.Completed)
            {
                LogCompleted(_model, elapsed, observed.FirstChunk?.TotalMilliseconds, observed.Usage?.OutputTokenCount, observed.FinishReason?.Value);
            }
            else if (observed.Failure is null || (observed.Failure is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                LogCancelled(_model, elapsed);
            }
            else
            {
                LogFailed(observed.Failure, _model, elapsed, observed.Failure.GetType().Name);
            }
        }, cancellationToken);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Model {Model} answered in {DurationMs:0.0} ms (first chunk after {FirstChunkMs:0.0} ms, {OutputTokens} output tokens, finish {FinishReason})")]
    private partial void LogCompleted(string model, double durationMs, double? firstChunkMs, long? outputTokens, string? finishReason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Model {Model} call stopped by the caller after {DurationMs:0.0} ms")]
    private partial void LogCancelled(string model, double durationMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Model} call failed after {DurationMs:0.0} ms: {ErrorType}")]
    private partial void LogFailed(Exception exception, string model, double durationMs, string errorType);
}
