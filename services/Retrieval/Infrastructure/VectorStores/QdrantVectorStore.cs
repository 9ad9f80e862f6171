// Over 300 lines on purpose: each IVectorStore operation is one Qdrant request with its JSON body; the shared wire helpers are already in QdrantJson.cs.
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CreatorChat.Retrieval.Model;
using CreatorChat.Retrieval.Model.Search;
using CreatorChat.Retrieval.Model.Text;
using CreatorChat.ServiceDefaults.Http;

using static CreatorChat.Retrieval.Infrastructure.VectorStores.QdrantJson;

namespace CreatorChat.Retrieval.Infrastructure.VectorStores;

/// <summary>
/// Qdrant over its REST API. One collection for all creators, a named dense vector (cosine distance) and a
/// sparse BM25 vector (Qdrant applies the idf: <c>modifier: idf</c>) per chunk; hybrid search is one request:
/// both rankings in a query batch fused here by scores (the default, <see cref="FusionMethod.Scores"/>), or one query
/// with both as prefetches fused by Qdrant's weighted RRF (<see cref="FusionMethod.Ranks"/>), with keyword payload indexes on <c>creator_id</c> (a tenant index: Qdrant keeps each
/// creator's points together), <c>video_id</c> and <c>generation</c>; every search and delete is filtered
/// by creator. The embedding model and dimension are recorded in the collection's metadata and checked
/// at start-up. Writes use <c>wait=true</c>, so a search right after a write sees it.
/// </summary>
public sealed class QdrantVectorStore(HttpClient http, QdrantVectorStoreOptions options) : IVectorStore
{
    public const string ModelKey = "embedding_model";
    public const string DimensionsKey = "embedding_dimensions";

    /// <summary>The named dense vector (the embedding model's) and the sparse one (BM25 terms, idf applied by Qdrant).</summary>
    public const string DenseVector = "dense";
    public const string SparseVectorName = "bm25";

    private static readonly string[] IndexedFields = ["creator_id", "video_id", "generation"];

    private EmbeddingSpace? _space;

    public string Kind => "qdrant";

    private string CollectionPath => "collections/" + Uri.EscapeDataString(options.Collection);

    public async Task EnsureCollectionAsync(EmbeddingSpace space, CancellationToken cancellationToken)
    {
        using (var exists = await SendAsync(HttpMethod.Get, $"{CollectionPath}/exists", null, cancellationToken))
        {
            if (!exists.RootElement.GetProperty("result").GetProperty("exists").GetBoolean())
            {
                await CreateCollectionAsync(space, cancellationToken);
            }
        }

        using (var info = await SendAsync(HttpMethod.Get, CollectionPath, null, cancellationToken))
        {
            var config = info.RootElement.GetProperty("result").GetProperty("config");
            var parameters = config.GetProperty("params");
            var vectors = parameters.GetProperty("vectors");
            var dense = vectors.TryGetProperty(DenseVector, out var named) ? named : default;
            var size = dense.ValueKind == JsonValueKind.Object && dense.TryGetProperty("size", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt32() : -1;
            var distance = dense.ValueKind == JsonValueKind.Object && dense.TryGetProperty("distance", out var d) ? d.GetString() : null;
            var sparse = parameters.TryGetProperty("sparse_vectors", out var sv) && sv.ValueKind == JsonValueKind.Object && sv.TryGetProperty(SparseVectorName, out _);
            var model = config.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object &&
                        metadata.TryGetProperty(ModelKey, out var m) && m.ValueKind == JsonValueKind.String
                ? m.GetString()!
                : "(not recorded)";
            var stored = new EmbeddingSpace(model, size);
            if (stored != space || distance != "Cosine" || !sparse)
            {
                throw new EmbeddingSpaceMismatchException(options.Collection, stored, space);
            }
        }

        foreach (var field in IndexedFields)
        {
            var body = Json(w =>
            {
                w.WriteString("field_name", field);
                w.WriteStartObject("field_schema");
                w.WriteString("type", "keyword");
                if (field == "creator_id")
                {
                    w.WriteBoolean("is_tenant", true);
                }

                w.WriteEndObject();
            });
            (await SendAsync(HttpMethod.Put, $"{CollectionPath}/index?wait=true", body, cancellationToken)).Dispose();
        }

        _space = space;
    }

    private async Task CreateCollectionAsync(EmbeddingSpace space, CancellationToken cancellationToken)
    {
        var body = Json(w =>
        {
            w.WriteStartObject("vectors");
            w.WriteStartObject(DenseVector);
            w.WriteNumber("size", space.Dimensions);
            w.WriteString("distance", "Cosine");
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("sparse_vectors");
            w.WriteStartObject(SparseVectorName);
            w.WriteString("modifier", "idf");
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("metadata");
            w.WriteString(ModelKey, space.Model);
            w.WriteNumber(DimensionsKey, space.Dimensions);
            w.WriteString("created_by", "creatorchat-retrieval");
            w.WriteEndObject();
        });
        try
        {
            (await SendAsync(HttpMethod.Put, CollectionPath, body, cancellationToken)).Dispose();
        }
        catch (VectorStoreException ex) when (ex.Data["status"] is HttpStatusCode.Conflict)
        {
            // Another replica created it at the same moment; the check below compares its settings.
        }
    }

    private EmbeddingSpace Space => _space ?? throw new InvalidOperationException("EnsureCollectionAsync must run before the store is used.");

    public async Task<EmbeddingSpace?> FindCollectionAsync(CancellationToken cancellationToken)
    {
        using (var exists = await SendAsync(HttpMethod.Get, $"{CollectionPath}/exists", null, cancellationToken))
        {
            if (!exists.RootElement.GetProperty("result").GetProperty("exists").GetBoolean())
            {
                return null;
            }
        }

        using var info = await SendAsync(HttpMethod.Get, CollectionPath, null, cancellationToken);
        var config = info.RootElement.GetProperty("result").GetProperty("config");
        var vectors = config.GetProperty("params").GetProperty("vectors");
        var size = vectors.TryGetProperty(DenseVector, out var dense) && dense.ValueKind == JsonValueKind.Object &&
                   dense.TryGetProperty("size", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt32() : -1;
        var model = config.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object &&
                    metadata.TryGetProperty(ModelKey, out var m) && m.ValueKind == JsonValueKind.String
            ? m.GetString()!
            : "(not recorded)";
        return new EmbeddingSpace(model, size);
    }

    public async Task DropCollectionAsync(CancellationToken cancellationToken)
    {
        try
        {
            (await SendAsync(HttpMethod.Delete, CollectionPath, null, cancellationToken)).Dispose();
        }
        catch (VectorStoreException ex) when (ex.Data["status"] is HttpStatusCode.NotFound)
        {
            // already gone
        }

        _space = null;
    }

    /// <summary>Scrolls the video's points of one generation (payload only), page by page; sorted by sequence here.</summary>
    public async Task<IReadOnlyList<StoredChunk>> ReadAsync(string creatorSlug, string videoId, Guid generation, CancellationToken cancellationToken)
    {
        var chunks = new List<StoredChunk>();
        string? offset = null;
        do
        {
            var body = Json(w =>
            {
                w.WriteStartObject("filter");
                w.WriteStartArray("must");
                MatchValue(w, "creator_id", creatorSlug);
                MatchValue(w, "video_id", videoId);
                MatchValue(w, "generation", generation.ToString("D"));
                w.WriteEndArray();
                w.WriteEndObject();
                w.WriteNumber("limit", options.UpsertBatch);
                w.WriteBoolean("with_payload", true);
                w.WriteBoolean("with_vector", false);
                if (offset is not null)
                {
                    w.WriteString("offset", offset);
                }
            });
            using var response = await SendAsync(HttpMethod.Post, $"{CollectionPath}/points/scroll", body, cancellationToken);
            var result = response.RootElement.GetProperty("result");
            foreach (var point in result.GetProperty("points").EnumerateArray())
            {
                var payload = point.GetProperty("payload");
                chunks.Add(new StoredChunk(payload.GetProperty("seq").GetInt32(), ReadPayload(payload)));
            }

            offset = result.TryGetProperty("next_page_offset", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (offset is not null);

        return chunks.OrderBy(c => c.Sequence).ToList();
    }

    public async Task UpsertAsync(IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken)
    {
        var space = Space;
        foreach (var batch in records.Chunk(options.UpsertBatch))
        {
            var body = Json(w =>
            {
                w.WriteStartArray("points");
                foreach (var record in batch)
                {
                    if (record.Vector.Length != space.Dimensions)
                    {
                        throw new ArgumentException($"Chunk {record.Id} has {record.Vector.Length} dimensions; the collection holds {space}.", nameof(records));
                    }

                    w.WriteStartObject();
                    w.WriteString("id", record.Id.ToString("D"));
                    w.WriteStartObject("vector");
                    WriteDense(w, DenseVector, record.Vector.Span);
                    if (Bm25.Passage(record.Payload.Title, record.Payload.Text) is { Count: > 0 } terms)
                    {
                        WriteSparse(w, SparseVectorName, terms);
                    }

                    w.WriteEndObject();
                    w.WriteStartObject("payload");
                    w.WriteString("creator_id", record.CreatorSlug);
                    w.WriteString("video_id", record.VideoId);
                    w.WriteString("generation", record.Generation.ToString("D"));
                    w.WriteNumber("seq", record.Sequence);
                    w.WriteString("title", record.Payload.Title);
                    if (record.Payload.Url is null)
                    {
                        w.WriteNull("url");
                    }
                    else
                    {
                        w.WriteString("url", record.Payload.Url);
                    }

                    w.WriteNumber("start_seconds", record.Payload.StartSeconds);
                    w.WriteNumber("end_seconds", record.Payload.EndSeconds);
                    w.WriteString("text", record.Payload.Text);
                    w.WriteEndObject();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            });
            (await SendAsync(HttpMethod.Put, $"{CollectionPath}/points?wait=true", body, cancellationToken)).Dispose();
        }
    }

    public async Task DeleteAsync(string creatorSlug, string videoId, IReadOnlyCollection<Guid>? generations, CancellationToken cancellationToken)
    {
        _ = Space;
        if (generations is { Count: 0 })
        {
            return;
        }

        var body = Json(w =>
        {
            w.WriteStartObject("filter");
            w.WriteStartArray("must");
            MatchValue(w, "creator_id", creatorSlug);
            MatchValue(w, "video_id", videoId);
            if (generations is not null)
            {
                MatchAny(w, "generation", generations);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
        (await SendAsync(HttpMethod.Post, $"{CollectionPath}/points/delete?wait=true", body, cancellationToken)).Dispose();
    }

    public async Task<IReadOnlyList<VectorMatch>> SearchAsync(VectorQuery query, CancellationToken cancellationToken)
    {
        var space = Space;
        if (query.Vector.Length != space.Dimensions)
        {
            throw new ArgumentException($"The query has {query.Vector.Length} dimensions; the collection holds {space}.", nameof(query));
        }

        if (query.Limit <= 0 || query.Generations is { Count: 0 })
        {
            return [];
        }

        var mode = query.Mode == SearchMode.Hybrid && query.Terms.Count == 0 ? SearchMode.Semantic : query.Mode;
        if (mode == SearchMode.Lexical && query.Terms.Count == 0)
        {
            return [];
        }

        var depth = query.Fusion.Depth(query.Limit);
        if (mode == SearchMode.Hybrid && query.Fusion.Method == FusionMethod.Scores)
        {
            return await SearchFusedByScoresAsync(query, depth, cancellationToken);
        }

        var body = Json(w =>
        {
            void Filter() => WriteFilter(w, query);

            void Dense() => WriteDense(w, "query", query.Vector.Span);
            void Sparse() => WriteSparse(w, "query", query.Terms);

            switch (mode)
            {
                case SearchMode.Semantic:
                    Dense();
                    w.WriteString("using", DenseVector);
                    w.WriteNumber("score_threshold", query.MinScore);
                    break;
                case SearchMode.Lexical:
                    Sparse();
                    w.WriteString("using", SparseVectorName);
                    break;
                default:
                    // Both rankings, fused by Qdrant with the same weighted RRF as the embedded store (RankFusion).
                    w.WriteStartArray("prefetch");
                    w.WriteStartObject();
                    Sparse();
                    w.WriteString("using", SparseVectorName);
                    Filter();
                    w.WriteNumber("limit", depth);
                    w.WriteEndObject();
                    w.WriteStartObject();
                    Dense();
                    w.WriteString("using", DenseVector);
                    Filter();
                    w.WriteNumber("limit", depth);
                    w.WriteEndObject();
                    w.WriteEndArray();
                    w.WriteStartObject("query");
                    w.WriteStartObject("rrf");
                    w.WriteNumber("k", query.Fusion.K);
                    w.WriteStartArray("weights");
                    w.WriteNumberValue(query.Fusion.LexicalWeight);
                    w.WriteNumberValue(query.Fusion.SemanticWeight);
                    w.WriteEndArray();
                    w.WriteEndObject();
                    w.WriteEndObject();
                    break;
            }

            Filter();
            w.WriteNumber("limit", query.Limit);
            w.WriteBoolean("with_payload", true);
            w.WriteStartArray("with_vector");
            w.WriteStringValue(DenseVector);
            w.WriteEndArray();
        });

        using var response = await SendAsync(HttpMethod.Post, $"{CollectionPath}/points/query", body, cancellationToken);
        return ReadMatches(response.RootElement.GetProperty("result"), query.Vector.Span, mode == SearchMode.Hybrid ? query.Fusion.Best : 1f);
    }

    /// <summary>
    /// Hybrid search fused by scores (<see cref="FusionMethod.Scores"/>), which Qdrant's fusions (rrf, dbsf) do not compute:
    /// both rankings in one <c>points/query/batch</c> request (BM25 with Qdrant's idf, and dense), each with payloads and
    /// dense vectors, fused here by the same <see cref="RankFusion"/> as the embedded store.
    /// </summary>
    private async Task<IReadOnlyList<VectorMatch>> SearchFusedByScoresAsync(VectorQuery query, int depth, CancellationToken cancellationToken)
    {
        var body = Json(w =>
        {
            w.WriteStartArray("searches");
            foreach (var vector in new[] { SparseVectorName, DenseVector })
            {
                w.WriteStartObject();
                if (vector == DenseVector)
                {
                    WriteDense(w, "query", query.Vector.Span);
                }
                else
                {
                    WriteSparse(w, "query", query.Terms);
                }

                w.WriteString("using", vector);
                WriteFilter(w, query);
                w.WriteNumber("limit", depth);
                w.WriteBoolean("with_payload", true);
                w.WriteStartArray("with_vector");
                w.WriteStringValue(DenseVector);
                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });

        using var response = await SendAsync(HttpMethod.Post, $"{CollectionPath}/points/query/batch", body, cancellationToken);
        var results = response.RootElement.GetProperty("result").EnumerateArray().ToList();
        if (results.Count != 2)
        {
            throw new VectorStoreException($"Qdrant answered a batch of 2 searches with {results.Count} results.");
        }

        var lexical = ReadMatches(results[0], query.Vector.Span, 1f);
        var semantic = ReadMatches(results[1], query.Vector.Span, 1f);
        var byId = semantic.Concat(lexical).GroupBy(m => m.Id).ToDictionary(g => g.Key, g => g.First());
        return query.Fusion.Fuse(semantic.Select(m => m.Id).ToList(), lexical.Select(m => m.Id).ToList(), lexical.Select(m => m.Score).ToList(), id => byId[id].Similarity)
            .Select(f => byId[f.Key] with { Score = f.Value })
            .OrderByDescending(m => m.Score).ThenByDescending(m => m.Similarity).ThenBy(m => m.Id).Take(query.Limit).ToList();
    }

    public async Task<long> CountAsync(string creatorSlug, CancellationToken cancellationToken)
    {
        var body = Json(w =>
        {
            w.WriteStartObject("filter");
            w.WriteStartArray("must");
            MatchValue(w, "creator_id", creatorSlug);
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteBoolean("exact", true);
        });
        using var response = await SendAsync(HttpMethod.Post, $"{CollectionPath}/points/count", body, cancellationToken);
        return response.RootElement.GetProperty("result").GetProperty("count").GetInt64();
    }

    private async Task<JsonDocument> SendAsync(HttpMethod method, string path, byte[]? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ServiceUnavailable.Is(ex))
        {
            throw new VectorStoreException($"Qdrant is not reachable ({method} {path}): {ex.Message}", ex);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var detail = text;
                try
                {
                    using var error = JsonDocument.Parse(text);
                    if (error.RootElement.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Object &&
                        status.TryGetProperty("error", out var message))
                    {
                        detail = message.GetString() ?? text;
                    }
                }
                catch (JsonException)
                {
                    // not JSON: keep the raw text
                }

                var exception = new VectorStoreException($"Qdrant answered {(int)response.StatusCode} to {method} {path}: {Shorten(detail)}");
                exception.Data["status"] = response.StatusCode;
                throw exception;
            }

            return JsonDocument.Parse(text);
        }
    }

    private static string Shorten(string value) => value.Length <= 300 ? value : value[..300] + "…";
}
