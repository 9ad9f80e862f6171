using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace CreatorChat.Chat.Apis;

/// <summary>
/// The <c>text/event-stream</c> side of an HTTP response, shared by the chat SSE sink and the
/// OpenAI-compatible stream: headers that keep proxies from buffering, one <c>data:</c> line per
/// event (JSON never contains a raw new line), and flushes only once something was written, so a
/// failure before the first word can still become a proper error response.
/// </summary>
public sealed class EventStream(HttpResponse response)
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();

    public bool Started { get; private set; }

    public PipeWriter Writer => response.BodyWriter;

    public HttpResponse Response => response;

    public void Start()
    {
        if (Started)
        {
            return;
        }

        Started = true;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache, no-transform";
        response.Headers["X-Accel-Buffering"] = "no";
        response.HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    /// <summary>Writes one event (named, or a bare <c>data:</c> event when <paramref name="name"/> is null).</summary>
    public void Write<T>(string? name, T payload, JsonSerializerOptions options)
    {
        Start();
        var writer = response.BodyWriter;
        if (name is not null)
        {
            writer.Write(Encoding.UTF8.GetBytes($"event: {name}\n"));
        }

        writer.Write(DataPrefix);
        using (var json = new Utf8JsonWriter(writer, new JsonWriterOptions { Encoder = options.Encoder, SkipValidation = true }))
        {
            JsonSerializer.Serialize(json, payload, options);
        }

        writer.Write(EventEnd);
    }

    /// <summary>Ends an event whose data the caller wrote itself after <see cref="WriteDataPrefix"/>.</summary>
    public void EndEvent() => response.BodyWriter.Write(EventEnd);

    public void WriteDataPrefix(ReadOnlySpan<byte> eventLine)
    {
        Start();
        response.BodyWriter.Write(eventLine);
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (Started)
        {
            await response.BodyWriter.FlushAsync(cancellationToken);
        }
    }
}
