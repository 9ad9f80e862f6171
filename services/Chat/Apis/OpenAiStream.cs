using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using CreatorChat.Chat.Model;
using CreatorChat.Chat.Pipeline;

namespace CreatorChat.Chat.Apis;

/// <summary>Streams a turn as <c>chat.completion.chunk</c> events, ending with <c>data: [DONE]</c>.</summary>
public sealed class OpenAiStream(HttpResponse response, string id, long created, string model, bool includeUsage) : ITurnSink
{
    private readonly EventStream _events = new(response);
    private bool _sentRole;

    public ValueTask DeltaAsync(string text, CancellationToken cancellationToken)
    {
        var delta = new OpenAiChunkDelta(_sentRole ? null : "assistant", text);
        _sentRole = true;
        Write(new OpenAiChunk(id, "chat.completion.chunk", created, model, [new OpenAiChunkChoice(0, delta, null, null)], null, null, null));
        return default;
    }

    // Nothing written yet: don't commit to a 200 before the model has said anything.
    public ValueTask FlushAsync(CancellationToken cancellationToken) => _events.FlushAsync(cancellationToken);

    public async ValueTask CompleteAsync(TurnResult result, CancellationToken cancellationToken)
    {
        Write(new OpenAiChunk(id, "chat.completion.chunk", created, model,
            [new OpenAiChunkChoice(0, new OpenAiChunkDelta(_sentRole ? null : "assistant", null), null, result.FinishReason)],
            null, result.Citations.Select(CitationView.From).ToList(), result.Cached));
        if (includeUsage)
        {
            Write(new OpenAiChunk(id, "chat.completion.chunk", created, model, [], OpenAiUsage.From(result.Usage), null, null));
        }

        _events.Writer.Write("data: [DONE]\n\n"u8);
        await _events.FlushAsync(cancellationToken);
    }

    public async ValueTask FailAsync(TurnResult result, CancellationToken cancellationToken)
    {
        var message = result.ErrorDetail ?? "The answer failed.";
        if (!_events.Started && !response.HasStarted)
        {
            await OpenAiApi.Error(StatusCodes.Status503ServiceUnavailable, message, "server_error", null, "model_unavailable").ExecuteAsync(response.HttpContext);
            return;
        }

        Write(new OpenAiErrorChunk(new OpenAiError(message, "server_error", null, "model_unavailable")));
        await _events.FlushAsync(cancellationToken);
    }

    private void Write<T>(T payload) => _events.Write(null, payload, StreamJson);

    // OpenAI's chunks omit absent fields rather than sending nulls.
    private static readonly JsonSerializerOptions StreamJson = new(Microsoft.Extensions.Hosting.ApiJson.Options)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
