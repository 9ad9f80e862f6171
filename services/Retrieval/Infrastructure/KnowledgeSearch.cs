using System.Diagnostics;
using System.Numerics.Tensors;
using CreatorChat.Retrieval.Infrastructure.Data;
using CreatorChat.Retrieval.Infrastructure.Embeddings;
using CreatorChat.Retrieval.Infrastructure.VectorStores;
using CreatorChat.Retrieval.Model.Search;

namespace CreatorChat.Retrieval.Infrastructure;

public sealed record SearchOptions
{
    /// <summary>Hits below this cosine similarity are not returned (unless the caller asks for another threshold).</summary>
    public float DefaultMinScore { get; init; } = 0.12f;

    public int DefaultK { get; init; } = 5;

    public int MaxK { get; init; } = 50;

    public int MaxQueryLength { get; init; } = 1000;
}

public sealed record SearchOutcome(long KnowledgeVersion, IReadOnlyList<SearchResult> Results);

/// <summary>
/// A question → a creator's best passages. The knowledge version is read first, so a cached answer
/// (chat keys its cache on it) can only be older than the version it is stored under, never newer.
/// Only the active generation of each video can match, so a video being replaced shows either its old
/// or its new chunks, never both or a half-written mix.
/// </summary>
public sealed class KnowledgeSearch(
    KnowledgeRepository repository, Embedder embedder, IVectorStore store, VectorCollectionGate gate, RetrievalTelemetry telemetry)
{
    public async Task<SearchOutcome> SearchAsync(string creatorId, string query, int k, float minScore, CancellationToken cancellationToken)
    {
        using var activity = RetrievalTelemetry.ActivitySource.StartActivity("search knowledge");
        activity?.SetTag("creatorchat.creator_id", creatorId);
        activity?.SetTag("creatorchat.k", k);
        var started = Stopwatch.GetTimestamp();

        var knowledge = await repository.GetKnowledgeAsync(creatorId, cancellationToken);
        var generations = await repository.ActiveGenerationsAsync(creatorId, cancellationToken);
        if (generations.Count == 0)
        {
            return new SearchOutcome(knowledge.Version, []);
        }

        await gate.EnsureAsync(cancellationToken);
        var vector = await embedder.EmbedQueryAsync(query, cancellationToken);
        if (TensorPrimitives.MaxMagnitude(vector) == 0)
        {
            return new SearchOutcome(knowledge.Version, []); // nothing searchable in the query (only stop words)
        }

        // Over-fetch: duplicates of better hits are dropped below.
        var matches = await store.SearchAsync(new VectorQuery(creatorId, vector, (k * 3) + 5, minScore, generations.ToHashSet()), cancellationToken);
        var results = SearchResults.Deduplicate(matches, k).Select(SearchResults.ToResult).ToList();

        telemetry.Searched(store.Kind, Stopwatch.GetElapsedTime(started));
        activity?.SetTag("creatorchat.results", results.Count);
        return new SearchOutcome(knowledge.Version, results);
    }
}
