using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using CreatorChat.Retrieval.Infrastructure.Embeddings;

namespace CreatorChat.Retrieval.Tests.Support;

/// <summary>
/// The OpenAI embeddings API (<c>POST /v1/embeddings</c>) as a provider answers it, for a <see cref="RecordingServer"/>:
/// float or base64 vectors, data in input order with its "index". The vectors are the hashed lexical embedding of
/// each input at the requested dimension (64 by default), scaled by 3 so that callers must normalise.
/// </summary>
public static class EmbeddingsApi
{
    public static CannedResponse Answer(RecordedRequest request)
    {
        var body = JsonNode.Parse(request.Body)!;
        var inputs = body["input"]!.AsArray().Select(i => i!.GetValue<string>()).ToList();
        var dimensions = body["dimensions"]?.GetValue<int>() ?? 64;
        var base64 = body["encoding_format"]?.GetValue<string>() == "base64";
        var generator = new HashingEmbeddingGenerator(dimensions);
        var data = new JsonArray();
        for (var i = 0; i < inputs.Count; i++)
        {
            var vector = generator.Embed(inputs[i]);
            for (var d = 0; d < vector.Length; d++)
            {
                vector[d] *= 3;
            }

            JsonNode embedding = base64
                ? JsonValue.Create(Convert.ToBase64String(MemoryMarshal.AsBytes(vector.AsSpan())))
                : new JsonArray(vector.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());
            data.Add(new JsonObject { ["object"] = "embedding", ["index"] = i, ["embedding"] = embedding });
        }

        var response = new JsonObject
        {
            ["object"] = "list",
            ["data"] = data,
            ["model"] = body["model"]!.GetValue<string>(),
            ["usage"] = new JsonObject { ["prompt_tokens"] = inputs.Count, ["total_tokens"] = inputs.Count },
        };
        return CannedResponse.Json(response.ToJsonString());
    }
}
