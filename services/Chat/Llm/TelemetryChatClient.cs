using System.Runtime.CompilerServices;
using System.Diagnostics;
using CreatorChat.Chat.Infrastructure;
using Microsoft.Extensions.AI;

namespace CreatorChat.Chat.Llm;

/// <summary>
/// Wraps any model in an OpenTelemetry span (GenAI conventions: <c>chat {model}</c> with request and
/// usage attributes) and records duration, time to first chunk and token usage.
/// </summary>
public sealed class TelemetryChatClient(IChatClient inner, ChatMetrics metrics, TimeProvider timeProvider) : DelegatingChatClient(inner)
{
    private readonly ChatClientMetadata? _metadata = inner.GetService<ChatClientMetadata>();

    private string Provider => _metadata?.ProviderName ?? "unknown";

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var activity = Start(options);
        var started = timeProvider.GetTimestamp();
        try
        {
            var response = await base.GetResponseAsync(messages, options, cancellationToken);
            Finish(activity, started, null, response.ModelId, response.ResponseId, response.FinishReason, response.Usage, null);
            return response;
        }
        catch (Exception ex)
        {
            Finish(activity, started, null, null, null, null, null, ex);
            throw;
        }
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var activity = Start(options);
        var started = timeProvider.GetTimestamp();
        var stream = new StreamObservation(timeProvider).WatchAsync(base.GetStreamingResponseAsync(messages, options, cancellationToken), observed =>
        {
            if (observed.FirstChunk is { } first)
            {
                activity?.AddEvent(new ActivityEvent("gen_ai.first_chunk", timeProvider.GetUtcNow() - (observed.Elapsed - first)));
            }

            var failure = observed.Failure ?? (observed.Completed ? null : new OperationCanceledException("The caller stopped reading the answer."));
            Finish(activity, started, observed.FirstChunk, observed.ModelId, observed.ResponseId, observed.FinishReason, observed.Usage, failure);
        }, cancellationToken);

        await foreach (var update in stream)
        {
            yield return update;
        }
    }

    private Activity? Start(ChatOptions? options)
    {
        var model = options?.ModelId ?? _metadata?.DefaultModelId;
        var activity = ChatMetrics.ActivitySource.StartActivity($"chat {model}", ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("gen_ai.operation.name", "chat");
            activity.SetTag("gen_ai.provider.name", Provider);
            activity.SetTag("gen_ai.request.model", model);
            if (options?.MaxOutputTokens is { } max)
            {
                activity.SetTag("gen_ai.request.max_tokens", max);
            }

            if (_metadata?.ProviderUri is { } uri)
            {
                activity.SetTag("server.address", uri.Host);
            }
        }

        return activity;
    }

    private void Finish(
        Activity? activity, long started, TimeSpan? firstChunk, string? modelId, string? responseId,
        ChatFinishReason? finish, UsageDetails? usage, Exception? failure)
    {
        var elapsed = timeProvider.GetElapsedTime(started);
        var errorType = failure switch
        {
            null => null,
            OperationCanceledException => "cancelled",
            _ => failure.GetType().Name,
        };
        if (activity is not null)
        {
            activity.SetTag("gen_ai.response.model", modelId);
            activity.SetTag("gen_ai.response.id", responseId);
            if (finish is { } reason)
            {
                activity.SetTag("gen_ai.response.finish_reasons", new[] { reason.Value });
            }

            activity.SetTag("gen_ai.usage.input_tokens", usage?.InputTokenCount);
            activity.SetTag("gen_ai.usage.output_tokens", usage?.OutputTokenCount);
            if (firstChunk is { } ttfc)
            {
                activity.SetTag("creatorchat.time_to_first_chunk_ms", ttfc.TotalMilliseconds);
            }

            if (errorType is not null)
            {
                activity.SetTag("error.type", errorType);
                if (failure is not OperationCanceledException)
                {
                    activity.SetStatus(ActivityStatusCode.Error, failure!.Message);
                }
            }
        }

        metrics.ModelCall(Provider, modelId ?? _metadata?.DefaultModelId, elapsed, firstChunk, usage?.InputTokenCount, usage?.OutputTokenCount, errorType);
    }
}
