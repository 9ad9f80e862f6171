using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace CreatorChat.Testing.Telemetry;

/// <summary>One span as a service exported it.</summary>
public sealed record ReceivedSpan(
    string Service, string TraceId, string SpanId, string ParentSpanId, string Name, int Kind, IReadOnlyDictionary<string, string> Attributes);

/// <summary>
/// An OTLP/HTTP receiver (protobuf, <c>POST /v1/traces</c>) on a free loopback port: point services at it with
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> and <c>OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c>, then read <see cref="Spans"/>.
/// Metrics and logs are accepted and dropped. It reads only the fields of opentelemetry/proto/trace/v1 it needs.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private LoopbackServer _server = null!;

    public Uri Endpoint => _server.Url;

    public IReadOnlyList<ReceivedSpan> Spans => [.. _spans];

    public static async Task<OtlpReceiver> StartAsync()
    {
        var receiver = new OtlpReceiver();
        receiver._server = await LoopbackServer.StartAsync(app =>
        {
            app.MapPost("/v1/traces", async (HttpRequest request) =>
            {
                using var body = new MemoryStream();
                await request.Body.CopyToAsync(body);
                receiver.Read(body.ToArray());
                return Results.Bytes([], "application/x-protobuf");
            });
            app.MapPost("/v1/metrics", () => Results.Bytes([], "application/x-protobuf"));
            app.MapPost("/v1/logs", () => Results.Bytes([], "application/x-protobuf"));
        });
        return receiver;
    }

    private void Read(byte[] request)
    {
        foreach (var resourceSpans in Fields(request).Where(f => f.Number == 1))
        {
            var service = "";
            var fields = Fields(resourceSpans.Bytes).ToList();
            foreach (var resource in fields.Where(f => f.Number == 1))
            {
                service = Attributes(resource.Bytes, 1).GetValueOrDefault("service.name", "");
            }

            foreach (var scopeSpans in fields.Where(f => f.Number == 2))
            {
                foreach (var span in Fields(scopeSpans.Bytes).Where(f => f.Number == 2))
                {
                    var parts = Fields(span.Bytes).ToList();
                    string Hex(int number) => Convert.ToHexString(parts.FirstOrDefault(p => p.Number == number).Bytes.Span).ToLowerInvariant();
                    _spans.Enqueue(new ReceivedSpan(
                        service, Hex(1), Hex(2), Hex(4),
                        Encoding.UTF8.GetString(parts.FirstOrDefault(p => p.Number == 5).Bytes.Span),
                        (int)parts.FirstOrDefault(p => p.Number == 6).Varint,
                        Attributes(span.Bytes, 9)));
                }
            }
        }
    }

    /// <summary>KeyValue attributes under <paramref name="field"/>, values as strings (string, bool, int and double values).</summary>
    private static Dictionary<string, string> Attributes(ReadOnlyMemory<byte> message, int field)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var keyValue in Fields(message).Where(f => f.Number == field))
        {
            var parts = Fields(keyValue.Bytes).ToList();
            var key = Encoding.UTF8.GetString(parts.FirstOrDefault(p => p.Number == 1).Bytes.Span);
            var value = parts.FirstOrDefault(p => p.Number == 2);
            var any = Fields(value.Bytes).FirstOrDefault();
            result[key] = any.Number switch
            {
                1 => Encoding.UTF8.GetString(any.Bytes.Span),
                2 => (any.Varint != 0).ToString(),
                3 => ((long)any.Varint).ToString(System.Globalization.CultureInfo.InvariantCulture),
                4 => BitConverter.Int64BitsToDouble((long)any.Varint).ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => "",
            };
        }

        return result;
    }

    private readonly record struct Field(int Number, ulong Varint, ReadOnlyMemory<byte> Bytes);

    // The protobuf wire format: a varint tag (field number << 3 | wire type), then a varint, 8 or 4 bytes, or a length and bytes.
    private static IEnumerable<Field> Fields(ReadOnlyMemory<byte> message)
    {
        var position = 0;
        while (position < message.Length)
        {
            var tag = ReadVarint(message.Span, ref position);
            var number = (int)(tag >> 3);
            switch (tag & 7)
            {
                case 0:
                    yield return new Field(number, ReadVarint(message.Span, ref position), default);
                    break;
                case 1:
                    yield return new Field(number, BitConverter.ToUInt64(message.Span.Slice(position, 8)), default);
                    position += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(message.Span, ref position);
                    yield return new Field(number, 0, message.Slice(position, length));
                    position += length;
                    break;
                case 5:
                    yield return new Field(number, BitConverter.ToUInt32(message.Span.Slice(position, 4)), default);
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"Unsupported protobuf wire type {tag & 7}.");
            }
        }
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
