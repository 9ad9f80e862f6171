using System.Runtime.CompilerServices;
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

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var started = timeProvider.GetTimestamp();
        double? firstChunkMs = null;
        long? outputTokens = null;
        string? finish = null;
        var completed = false;
        var failed = false;
        var enumerator = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                ChatResponseUpdate update;
                try
                {
                    if (!await enumerator.MoveNextAsync())
                    {
                        completed = true;
                        break;
                    }

                    update = enumerator.Current;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    failed = true;
                    LogFailed(ex, _model, timeProvider.GetElapsedTime(started).TotalMilliseconds, ex.GetType().Name);
                    throw;
                }

                if (firstChunkMs is null && !string.IsNullOrEmpty(update.Text))
                {
                    firstChunkMs = timeProvider.GetElapsedTime(started).TotalMilliseconds;
                }

                finish = update.FinishReason?.Value ?? finish;
                foreach (var content in update.Contents)
                {
                    if (content is UsageContent usage)
                    {
                        outputTokens = usage.Details.OutputTokenCount ?? outputTokens;
                    }
                }

                yield return update;
            }
        }
        finally
        {
            await enumerator.DisposeAsync();
            var elapsed = timeProvider.GetElapsedTime(started).TotalMilliseconds;
            if (completed)
            {
                LogCompleted(_model, elapsed, firstChunkMs, outputTokens, finish);
            }
            else if (!failed)
            {
                LogCancelled(_model, elapsed);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Model {Model} answered in {DurationMs:0.0} ms (first chunk after {FirstChunkMs:0.0} ms, {OutputTokens} output tokens, finish {FinishReason})")]
    private partial void LogCompleted(string model, double durationMs, double? firstChunkMs, long? outputTokens, string? finishReason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Model {Model} call stopped by the caller after {DurationMs:0.0} ms")]
    private partial void LogCancelled(string model, double durationMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Model} call failed after {DurationMs:0.0} ms: {ErrorType}")]
    private partial void LogFailed(Exception exception, string model, double durationMs, string errorType);
}
