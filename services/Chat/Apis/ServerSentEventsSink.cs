using System.Text.Json;
using CreatorChat.Chat.Model;
using CreatorChat.Chat.Pipeline;

namespace CreatorChat.Chat.Apis;

/// <summary>
/// Writes a turn as server-sent events: <c>delta</c> {text} (many), <c>citations</c> […], <c>done</c>
/// {conversation_id, message_id, cached, usage, status}, or <c>error</c> {detail}. Nothing is
/// buffered beyond what the pipeline flushes.
/// </summary>
public sealed class ServerSentEventsSink(HttpResponse response) : ITurnSink
{
    private static readonly byte[] DeltaPrefix = "event: delta\ndata: "u8.ToArray();

    private readonly EventStream _events = new(response);

    private Utf8JsonWriter? _deltaWriter;

    public ValueTask DeltaAsync(string text, CancellationToken cancellationToken)
    {
        _events.WriteDataPrefix(DeltaPrefix);
        // The hottest write of all (one per token): a reused writer, no serializer.
        if (_deltaWriter is null)
        {
            _deltaWriter = new Utf8JsonWriter(_events.Writer);
        }
        else
        {
            _deltaWriter.Reset(_events.Writer);
        }

        _deltaWriter.WriteStartObject();
        _deltaWriter.WriteString("text"u8, text);
        _deltaWriter.WriteEndObject();
        _deltaWriter.Flush();
        _events.EndEvent();
        return default;
    }

    // Nothing written yet: don't commit to a 200 before the model has said anything.
    public ValueTask FlushAsync(CancellationToken cancellationToken) => _events.FlushAsync(cancellationToken);

    public async ValueTask CompleteAsync(TurnResult result, CancellationToken cancellationToken)
    {
        _deltaWriter?.Dispose();
        _deltaWriter = null;
        _events.Write("citations", result.Citations.Select(CitationView.From).ToList(), ApiJson.Options);
        _events.Write("done", new DoneEvent(result.ConversationId, result.AnswerId, result.Cached, result.Degraded, UsageView.From(result.Usage), result.Status), ApiJson.Options);
        await _events.FlushAsync(cancellationToken);
    }

    public async ValueTask FailAsync(TurnResult result, CancellationToken cancellationToken)
    {
        _events.Write("error", new ErrorEvent(result.ErrorDetail ?? "The answer failed.", result.ConversationId), ApiJson.Options);
        await _events.FlushAsync(cancellationToken);
    }
}
