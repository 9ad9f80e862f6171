using System.Text.Json;

namespace CreatorChat.Chat.Model;

/// <param name="Confidence">Retrieval's calibrated probability (0..1) that the best passage answers the question; null from a retrieval that does not say.</param>
public sealed record SearchResult(string KnowledgeVersion, IReadOnlyList<Passage> Passages, double? Confidence = null);

/// <summary>The retrieval service's internal search and knowledge API, as chat sends and reads it.</summary>
public sealed record RetrievalSearchRequest(
    [property: System.Text.Json.Serialization.JsonPropertyName("creator_id")] string CreatorSlug, string Query, int K,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] double? MinScore);

public sealed record RetrievalSearchResponse(JsonElement KnowledgeVersion, List<RetrievalSearchHit>? Results, double? Confidence);

public sealed record RetrievalSearchHit(string? VideoId, string? Title, double StartSeconds, double EndSeconds, string? Text, double Score, string? Url);

public sealed record RetrievalKnowledgeResponse(JsonElement KnowledgeVersion, long VideoCount, long ChunkCount);
