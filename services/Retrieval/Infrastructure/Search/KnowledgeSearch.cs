using System.Diagnostics;
using CreatorChat.Retrieval.Infrastructure.Data;
using CreatorChat.Retrieval.Infrastructure.VectorStores;
using CreatorChat.Retrieval.Model.Search;
using CreatorChat.Retrieval.Model.Text;

namespace CreatorChat.Retrieval.Infrastructure.Search;

/// <summary>
/// A question → a creator's k best passages, by BM25 and by meaning, fused (<see cref="RankFusion"/>), each
/// with a calibrated confidence. The knowledge version is read first, so a cached answer
/// (chat keys its cache on it) can only be older than the version it is stored under, never newer.
/// Only the active generation of each video can match, so a video being replaced shows either its old
/// or its new chunks, never both or a half-written mix.
/// </summary>
public sealed class KnowledgeSearch(
    KnowledgeRepository knowledgeVersions, VideoRepository videos, VectorSpaceCatalog catalog, RetrievalTelemetry telemetry, SearchOptions options)
{
    public Task<SearchOutcome> SearchAsync(string creatorSlug, string query, int k, CancellationToken cancellationToken) =>
        SearchAsync(creatorSlug, query, k, options.Mode, cancellationToken);

    public async Task<SearchOutcome> SearchAsync(string creatorSlug, string query, int k, SearchMode mode, CancellationToken cancellationToken)
    {
        using var activity = RetrievalTelemetry.ActivitySource.StartActivity("search knowledge");
        activity?.SetTag("creatorchat.creator_id", creatorSlug);
        activity?.SetTag("creatorchat.k", k);
        var started = Stopwatch.GetTimestamp();

        var knowledge = await knowledgeVersions.GetKnowledgeAsync(creatorSlug, cancellationToken);
        var generations = await videos.ActiveGenerationsAsync(creatorSlug, cancellationToken);
        if (generations.Count == 0)
        {
            return new SearchOutcome(knowledge.Version, []);
        }

        // The active space's vectors with its own model, also while a re-embedding fills the next one. A space whose
        // model does not run here (a remote model no longer configured) still has its BM25 terms.
        var space = (await catalog.GetAsync(cancellationToken)).Active;
        float[] vector;
        if (space.Embedder is { } embedder)
        {
            vector = await embedder.EmbedQueryAsync(query, cancellationToken);
        }
        else
        {
            vector = new float[space.Space.Dimensions];
            mode = SearchMode.Lexical;
        }

        var terms = LexicalAnalyzer.ContentTerms(query).Distinct(StringComparer.Ordinal).ToList();

        // Over-fetch: duplicates of better hits are dropped below.
        var matches = await space.Store.SearchAsync(
            new VectorQuery(creatorSlug, vector, (k * 3) + 5, -1f, generations.ToHashSet()) { Mode = mode, Terms = Bm25.Query(query), Fusion = options.Fusion },
            cancellationToken);
        var results = SearchResults.Deduplicate(matches, k)
            .Select(m => SearchResults.ToResult(m, options.Confidence.Estimate(m.Similarity, SearchConfidence.CoverageOf(terms, m.Payload))))
            .ToList();

        telemetry.Searched(catalog.Kind, Stopwatch.GetElapsedTime(started));
        activity?.SetTag("creatorchat.results", results.Count);
        return new SearchOutcome(knowledge.Version, results);
    }
}
