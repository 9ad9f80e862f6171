using System.Text.Json;
using CreatorChat.Retrieval.Model.Search;
using CreatorChat.Retrieval.Model.Text;

namespace CreatorChat.Retrieval.Infrastructure.VectorStores;

/// <summary>Qdrant's REST JSON as <see cref="QdrantVectorStore"/> writes and reads it: filters, vectors, payloads, matches.</summary>
internal static class QdrantJson
{
    internal static ChunkPayload ReadPayload(JsonElement payload) => new(
        payload.GetProperty("title").GetString()!,
        payload.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String ? url.GetString() : null,
        payload.GetProperty("start_seconds").GetDouble(),
        payload.GetProperty("end_seconds").GetDouble(),
        payload.GetProperty("text").GetString()!);

    internal static void WriteFilter(Utf8JsonWriter w, VectorQuery query)
    {
        w.WriteStartObject("filter");
        w.WriteStartArray("must");
        MatchValue(w, "creator_id", query.CreatorSlug);
        if (query.Generations is not null)
        {
            MatchAny(w, "generation", query.Generations);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>The points of one query response (<c>{"points": [...]}</c>), scores divided by <paramref name="scale"/>.</summary>
    internal static List<VectorMatch> ReadMatches(JsonElement result, ReadOnlySpan<float> query, float scale)
    {
        var matches = new List<VectorMatch>();
        foreach (var point in result.GetProperty("points").EnumerateArray())
        {
            var payload = point.GetProperty("payload");
            matches.Add(new VectorMatch(
                Guid.Parse(point.GetProperty("id").GetString()!),
                payload.GetProperty("video_id").GetString()!,
                Guid.Parse(payload.GetProperty("generation").GetString()!),
                payload.GetProperty("seq").GetInt32(),
                ReadPayload(payload),
                point.GetProperty("score").GetSingle() / scale)
            {
                Similarity = Similarity(query, point),
            });
        }

        return matches;
    }

    internal static float Similarity(ReadOnlySpan<float> query, JsonElement point)
    {
        if (!point.TryGetProperty("vector", out var vectors) || vectors.ValueKind != JsonValueKind.Object || !vectors.TryGetProperty(QdrantVectorStore.DenseVector, out var dense))
        {
            return 0;
        }

        var vector = new float[dense.GetArrayLength()];
        var i = 0;
        foreach (var value in dense.EnumerateArray())
        {
            vector[i++] = value.GetSingle();
        }

        return vector.Length == query.Length ? System.Numerics.Tensors.TensorPrimitives.Dot(query, vector) : 0;
    }

    internal static void WriteDense(Utf8JsonWriter w, string name, ReadOnlySpan<float> vector)
    {
        w.WriteStartArray(name);
        foreach (var value in vector)
        {
            w.WriteNumberValue(value);
        }

        w.WriteEndArray();
    }

    internal static void WriteSparse(Utf8JsonWriter w, string name, SparseVector vector)
    {
        w.WriteStartObject(name);
        w.WriteStartArray("indices");
        foreach (var index in vector.Indices)
        {
            w.WriteNumberValue(index);
        }

        w.WriteEndArray();
        w.WriteStartArray("values");
        foreach (var value in vector.Values)
        {
            w.WriteNumberValue(value);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    internal static void MatchValue(Utf8JsonWriter w, string key, string value)
    {
        w.WriteStartObject();
        w.WriteString("key", key);
        w.WriteStartObject("match");
        w.WriteString("value", value);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    internal static void MatchAny(Utf8JsonWriter w, string key, IEnumerable<Guid> values)
    {
        w.WriteStartObject();
        w.WriteString("key", key);
        w.WriteStartObject("match");
        w.WriteStartArray("any");
        foreach (var value in values.Distinct())
        {
            w.WriteStringValue(value.ToString("D"));
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    internal static byte[] Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
