using System.Buffers;
using System.Text;
using System.Text.Json;
using CreatorChat.Chat.Model;
using CreatorChat.Chat.Pipeline;
using Microsoft.AspNetCore.Http.Features;

namespace CreatorChat.Chat.Apis;

/// <summary>
/// Writes a turn as server-sent events: <c>delta</c> {text} (many), <c>citations</c> […], <c>done</c>
/// {conversation_id, message_id, cached, usage, status}, or <c>error</c> {detail}. Nothing is
/// buffered beyond what the pipeline flushes.
/// </summary>
public sealed class ServerSentEventsSink(HttpResponse response) : ITurnSink
{
    private static readonly byte[] DeltaPrefix = "event: delta\ndata: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();

    private bool _started;

    private Utf8JsonWriter? _deltaWriter;

    public ValueTask DeltaAsync(string text, CancellationToken cancellationToken)
    {
        Start();
        var writer = response.BodyWriter;
        writer.Write(DeltaPrefix);
        // The hottest write of all (one per token): a reused writer, no serializer.
        if (_deltaWriter is null)
        {
            _deltaWriter = new Utf8JsonWriter(writer);
        }
        else
        {
            _deltaWriter.Reset(writer);
        }

        _deltaWriter.WriteStartObject();
        _deltaWriter.WriteString("text"u8, text);
        _deltaWriter.WriteEndObject();
        _deltaWriter.Flush();
        writer.Write(EventEnd);
        return default;
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (!_started)
        {
            return; // nothing written yet: don't commit to a 200 before the model has said anything
        }

        await response.BodyWriter.FlushAsync(cancellationToken);
    }

    public async ValueTask CompleteAsync(TurnResult result, CancellationToken cancellationToken)
    {
        Start();
        _deltaWriter?.Dispose();
        _deltaWriter = null;
        WriteEvent("citations", result.Citations.Select(CitationView.From).ToList());
        WriteEvent("done", new DoneEvent(result.ConversationId, result.AnswerId, result.Cached, UsageView.From(result.Usage), result.Status));
        await response.BodyWriter.FlushAsync(cancellationToken);
    }

    public async ValueTask FailAsync(TurnResult result, CancellationToken cancellationToken)
    {
        Start();
        WriteEvent("error", new ErrorEvent(result.ErrorDetail ?? "The answer failed.", result.ConversationId));
        await response.BodyWriter.FlushAsync(cancellationToken);
    }

    private void Start()
    {
        if (_started)
        {
            return;
        }

        _started = true;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache, no-transform";
        response.Headers["X-Accel-Buffering"] = "no";
        response.HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    private void WriteEvent<T>(string name, T payload)
    {
        var writer = response.BodyWriter;
        writer.Write(Encoding.UTF8.GetBytes($"event: {name}\ndata: "));
        WriteJson(payload);
        writer.Write(EventEnd);
    }

    private void WriteJson<T>(T payload)
    {
        // JSON never contains a raw new line, so one data: line per event is enough.
        using var json = new Utf8JsonWriter(response.BodyWriter, new JsonWriterOptions { Encoder = Microsoft.Extensions.Hosting.ApiJson.Options.Encoder, SkipValidation = true });
        JsonSerializer.Serialize(json, payload, Microsoft.Extensions.Hosting.ApiJson.Options);
    }

    private sealed record DoneEvent(Guid? ConversationId, Guid MessageId, bool Cached, UsageView? Usage, string Status);

    private sealed record ErrorEvent(string Detail, Guid? ConversationId);
}
