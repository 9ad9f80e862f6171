// Over 300 lines on purpose: every request the Qdrant store sends, checked against Qdrant's own OpenAPI document, one operation each.
using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CreatorChat.Retrieval.Infrastructure.VectorStores;
using CreatorChat.Retrieval.Model;
using CreatorChat.Retrieval.Model.Search;
using CreatorChat.Retrieval.Model.Text;
using CreatorChat.Retrieval.Tests.Support;

namespace CreatorChat.Retrieval.Tests.Unit.VectorStores;

/// <summary>
/// The Qdrant client against Qdrant's own REST specification (../shared/data/qdrant-openapi/v1.19.x): it runs
/// over real HTTP against a loopback server that plays a small Qdrant, and every request it sends must be a
/// documented operation with declared query parameters and a body valid against the operation's schema
/// (strictly: unknown fields fail). The server's answers are validated against the documented response
/// schemas before they are sent, so the client is proven to parse what Qdrant documents.
/// </summary>
public sealed class QdrantContractTests : IAsyncLifetime
{
    private const string Key = "qdrant-secret-key";
    private static readonly Lazy<OpenApiSchemaValidator> Spec = new(() => OpenApiSchemaValidator.Load(SharedData.QdrantSpecPath));
    private static readonly EmbeddingSpace Space = new("contract-model", 4);

    private readonly FakeQdrant _qdrant = new();
    private RecordingServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        if (SharedData.MissingQdrantSpec is not null)
        {
            return;
        }

        _server = await RecordingServer.StartAsync(request => Task.FromResult(_qdrant.Handle(request, Spec.Value)));
        _http = new HttpClient();
        QdrantConnection.Parse($"Endpoint={_server.Url};Key={Key}").Configure(_http);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            _http.Dispose();
            await _server.DisposeAsync();
        }
    }

    private QdrantVectorStore Store(int batch = 256) => new(_http, new QdrantVectorStoreOptions { Collection = "chunks", UpsertBatch = batch });

    private static VectorRecord Record(string creator, string video, Guid generation, int sequence, string? url, params float[] vector) =>
        new(VectorRecord.IdFor(creator, video, generation, sequence), creator, video, generation, sequence, vector,
            new ChunkPayload("Title " + video, url, sequence * 10.25, (sequence * 10.25) + 10, $"Text {sequence}"));

    [RequiresQdrantSpecFact]
    public async Task Every_request_the_client_sends_is_a_valid_documented_operation()
    {
        var store = Store(batch: 200);
        var (g1, g2) = (Guid.NewGuid(), Guid.NewGuid());
        var random = new Random(5);

        await store.EnsureCollectionAsync(Space, CancellationToken.None);
        await store.UpsertAsync(Enumerable.Range(0, 300).Select(i => Record("maya", $"v{i % 3}", i < 150 ? g1 : g2, i, i % 2 == 0 ? null : "https://youtu.be/x",
            (float)random.NextDouble(), (float)random.NextDouble(), (float)random.NextDouble(), 0.5f)).ToList(), CancellationToken.None);
        var filtered = await store.SearchAsync(new VectorQuery("maya", new float[] { 0.5f, 0.5f, 0.5f, 0.5f }, 5, 0.1f, [g2, g2]), CancellationToken.None);
        var unfiltered = await store.SearchAsync(new VectorQuery("maya", new float[] { 0.5f, 0.5f, 0.5f, 0.5f }, 3, -1f, null), CancellationToken.None);
        var hybrid = await store.SearchAsync(new VectorQuery("maya", new float[] { 0.5f, 0.5f, 0.5f, 0.5f }, 4, -1f, [g1])
        {
            Mode = SearchMode.Hybrid, Terms = Bm25.Query("7"), Fusion = new RankFusion(K: 1, SemanticWeight: 1f, LexicalWeight: 2f),
        }, CancellationToken.None);
        var denseOf = _qdrant.Points.ToDictionary(p => p.Key, p => p.Value["vector"]!["dense"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray());
        var lexical = await store.SearchAsync(new VectorQuery("maya", new float[] { 0.5f, 0.5f, 0.5f, 0.5f }, 2, -1f, [g1])
        {
            Mode = SearchMode.Lexical, Terms = Bm25.Query("7"),
        }, CancellationToken.None);
        await store.DeleteAsync("maya", "v1", [g1], CancellationToken.None);
        await store.DeleteAsync("maya", "v2", null, CancellationToken.None);
        var count = await store.CountAsync("maya", CancellationToken.None);

        var operations = _server.Requests.Select(r => Check(r).OperationId).ToList();
        Assert.Equal(
        [
            "collection_exists", "create_collection", "get_collection", "create_field_index", "create_field_index", "create_field_index",
            "upsert_points", "upsert_points", "query_points", "query_points", "query_points", "query_points", "delete_points", "delete_points", "count_points",
        ], operations);
        Assert.Empty(_qdrant.ResponseErrors);

        // What the client parsed from the documented response shapes.
        Assert.Equal(5, filtered.Count);
        Assert.All(filtered, m => Assert.Equal(g2, m.Generation));
        Assert.True(filtered.Zip(filtered.Skip(1)).All(p => p.First.Score >= p.Second.Score));
        var stored = _qdrant.Points[filtered[0].Id];
        Assert.Equal(stored["payload"]!["text"]!.GetValue<string>(), filtered[0].Payload.Text);
        Assert.Equal(stored["payload"]!["start_seconds"]!.GetValue<double>(), filtered[0].Payload.StartSeconds);
        Assert.Equal(3, unfiltered.Count);
        Assert.Contains(unfiltered, m => m.Payload.Url is null || m.Payload.Url == "https://youtu.be/x");
        Assert.Equal(300 - 50 - 100, count);

        // The filters say what they should.
        var delete = JsonNode.Parse(_server.Requests[12].Body)!["filter"]!["must"]!.AsArray();
        Assert.Equal(["creator_id", "video_id", "generation"], delete.Select(c => c!["key"]!.GetValue<string>()));
        Assert.Equal([g2.ToString()], JsonNode.Parse(_server.Requests[8].Body)!["filter"]!["must"]![1]!["match"]!["any"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal("true", _server.Requests[6].Query["wait"]);

        // Hybrid: one query, BM25 and dense prefetches (each filtered to the creator and generations) fused by weighted RRF.
        var fused = JsonNode.Parse(_server.Requests[10].Body)!;
        var prefetch = fused["prefetch"]!.AsArray();
        Assert.Equal(["bm25", "dense"], prefetch.Select(p => p!["using"]!.GetValue<string>()));
        Assert.All(prefetch, p => Assert.Equal(g1.ToString(), p!["filter"]!["must"]![1]!["match"]!["any"]![0]!.GetValue<string>()));
        Assert.Equal(1, fused["query"]!["rrf"]!["k"]!.GetValue<int>());
        Assert.Equal([2f, 1f], fused["query"]!["rrf"]!["weights"]!.AsArray().Select(w => w!.GetValue<float>()));
        Assert.Equal(4, hybrid.Count);
        Assert.Equal("Text 7", hybrid[0].Payload.Text); // the only BM25 match (its stored sparse vector carried the term), weighted ×2
        Assert.All(hybrid, m => Assert.InRange(m.Score, 0f, 1.01f));
        Assert.All(hybrid, m => Assert.Equal( // the similarity comes from the returned dense vector
            denseOf[m.Id].Sum(v => v * 0.5f), m.Similarity, 4));
        Assert.Equal("Text 7", Assert.Single(lexical).Payload.Text);
        Assert.Equal("bm25", JsonNode.Parse(_server.Requests[11].Body)!["using"]!.GetValue<string>());
    }

    [RequiresQdrantSpecFact]
    public async Task Hybrid_search_fused_by_scores_is_one_documented_batch_of_both_rankings_fused_as_the_embedded_store_fuses()
    {
        var store = Store(batch: 200);
        var (g1, g2) = (Guid.NewGuid(), Guid.NewGuid());
        var random = new Random(9);
        await store.EnsureCollectionAsync(Space, CancellationToken.None);
        await store.UpsertAsync(Enumerable.Range(0, 120).Select(i => Record("maya", $"v{i % 3}", i < 60 ? g1 : g2, i, null,
            (float)random.NextDouble(), (float)random.NextDouble(), (float)random.NextDouble(), 0.5f)).ToList(), CancellationToken.None);
        _server.Clear();
        var query = new float[] { 0.5f, 0.5f, 0.5f, 0.5f };

        var hybrid = await store.SearchAsync(new VectorQuery("maya", query, 4, -1f, [g1])
        {
            Mode = SearchMode.Hybrid, Terms = Bm25.Query("7"), Fusion = RankFusion.Default,
        }, CancellationToken.None);

        Assert.Equal(FusionMethod.Scores, RankFusion.Default.Method);
        Assert.Equal(["query_batch_points"], _server.Requests.Select(r => Check(r).OperationId));
        Assert.Empty(_qdrant.ResponseErrors);
        var searches = JsonNode.Parse(_server.Requests[0].Body)!["searches"]!.AsArray();
        Assert.Equal(["bm25", "dense"], searches.Select(q => q!["using"]!.GetValue<string>()));
        Assert.All(searches, q => Assert.Equal(g1.ToString(), q!["filter"]!["must"]![1]!["match"]!["any"]![0]!.GetValue<string>()));
        Assert.All(searches, q => Assert.Equal(RankFusion.Default.Depth(4), q!["limit"]!.GetValue<int>()));

        // The same fusion the embedded store computes, from the fake's own rankings of the creator's g1 points.
        var points = _qdrant.Points.Values.Where(p => p["payload"]!["generation"]!.GetValue<string>() == g1.ToString()).ToList();
        float[] Dense(JsonObject p) => p["vector"]!["dense"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray();
        float Similarity(JsonObject p) => System.Numerics.Tensors.TensorPrimitives.Dot(query, Dense(p)); // what the client computes from the returned vector
        var semantic = points.OrderByDescending(p => System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(query, Dense(p))).Take(RankFusion.Default.Depth(4)).ToList();
        var lexical = points.Where(p => p["payload"]!["text"]!.GetValue<string>() == "Text 7").ToList();
        var id = (JsonObject p) => Guid.Parse(p["id"]!.GetValue<string>());
        var cosines = points.ToDictionary(id, Similarity);
        var term = Bm25.Query("7").Indices[0];
        var bm25 = lexical.Select(p => p["vector"]!["bm25"]!["indices"]!.AsArray().Select(i => i!.GetValue<uint>())
            .Zip(p["vector"]!["bm25"]!["values"]!.AsArray().Select(v => v!.GetValue<float>())).Single(t => t.First == term).Second).ToList();
        var expected = RankFusion.Default.Fuse(semantic.Select(id).ToList(), lexical.Select(id).ToList(), bm25, g => cosines[g])
            .OrderByDescending(f => f.Value).ThenByDescending(f => cosines[f.Key]).Take(4).ToList();
        Assert.Equal(expected.Select(e => e.Key), hybrid.Select(m => m.Id));
        Assert.Equal(expected.Select(e => e.Value), hybrid.Select(m => m.Score), new Tolerance(1e-4f));
        Assert.Contains(hybrid, m => m.Payload.Text == "Text 7"); // the only BM25 match: at least half the best score, though last by meaning
        Assert.All(hybrid, m => Assert.Equal(cosines[m.Id], m.Similarity, 4));
    }

    private sealed class Tolerance(float epsilon) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= epsilon;

        public int GetHashCode(float obj) => 0;
    }

    [RequiresQdrantSpecFact]
    public async Task Re_embedding_reads_pages_of_a_generation_and_drops_a_retired_collection_with_documented_operations()
    {
        var store = Store(batch: 100);
        var (g1, g2) = (Guid.NewGuid(), Guid.NewGuid());
        Assert.Null(await store.FindCollectionAsync(CancellationToken.None));
        await store.EnsureCollectionAsync(Space, CancellationToken.None);
        await store.UpsertAsync(Enumerable.Range(0, 250).Select(i => Record("maya", i < 230 ? "v" : "w", i % 5 == 0 ? g2 : g1, i, null, 1, 0, 0, i)).ToList(),
            CancellationToken.None);
        _server.Clear();

        var found = await store.FindCollectionAsync(CancellationToken.None);
        var read = await store.ReadAsync("maya", "v", g1, CancellationToken.None);
        await store.DropCollectionAsync(CancellationToken.None);
        await store.DropCollectionAsync(CancellationToken.None); // already gone: Qdrant answers 404, which is fine

        Assert.Equal(Space, found);
        var expected = Enumerable.Range(0, 230).Where(i => i % 5 != 0).ToList();
        Assert.Equal(expected, read.Select(c => c.Sequence));
        Assert.Equal($"Text {expected[7]}", read[7].Payload.Text);
        Assert.Equal(expected[7] * 10.25, read[7].Payload.StartSeconds);
        var operations = _server.Requests.Select(r => Check(r).OperationId).ToList();
        Assert.Equal(["collection_exists", "get_collection", "scroll_points", "scroll_points", "delete_collection", "delete_collection"], operations);
        var scroll = JsonNode.Parse(_server.Requests[2].Body)!;
        Assert.Equal(["creator_id", "video_id", "generation"], scroll["filter"]!["must"]!.AsArray().Select(c => c!["key"]!.GetValue<string>()));
        Assert.False(scroll["with_vector"]!.GetValue<bool>());
        Assert.NotNull(JsonNode.Parse(_server.Requests[3].Body)!["offset"]); // the second page starts where the first ended
        Assert.Empty(_qdrant.ResponseErrors);
        Assert.False(_qdrant.Collections.ContainsKey("chunks"));
    }

    [RequiresQdrantSpecFact]
    public async Task The_collection_is_created_for_the_embedding_space_with_tenant_and_filter_indexes()
    {
        await Store().EnsureCollectionAsync(Space, CancellationToken.None);

        var create = JsonNode.Parse(_server.Requests.Single(r => r.Method == "PUT" && r.Path == "/collections/chunks").Body)!;
        Assert.Equal(4, create["vectors"]!["dense"]!["size"]!.GetValue<int>());
        Assert.Equal("Cosine", create["vectors"]!["dense"]!["distance"]!.GetValue<string>());
        Assert.Equal("idf", create["sparse_vectors"]!["bm25"]!["modifier"]!.GetValue<string>());
        Assert.Equal("contract-model", create["metadata"]![QdrantVectorStore.ModelKey]!.GetValue<string>());
        var indexes = _server.Requests.Where(r => r.Path == "/collections/chunks/index").Select(r => JsonNode.Parse(r.Body)!).ToList();
        Assert.Equal(["creator_id", "video_id", "generation"], indexes.Select(i => i["field_name"]!.GetValue<string>()));
        Assert.True(indexes[0]["field_schema"]!["is_tenant"]!.GetValue<bool>());
        Assert.All(_server.Requests, r => Check(r));
    }

    [RequiresQdrantSpecFact]
    public async Task An_existing_collection_of_the_same_space_is_reused()
    {
        _qdrant.Collections["chunks"] = (4, "Cosine", "contract-model");

        await Store().EnsureCollectionAsync(Space, CancellationToken.None);

        Assert.DoesNotContain(_server.Requests, r => r.Method == "PUT" && r.Path == "/collections/chunks");
        Assert.All(_server.Requests, r => Check(r));
    }

    [RequiresQdrantSpecTheory]
    [InlineData(4, "other-model", "Cosine")]
    [InlineData(8, "contract-model", "Cosine")]
    [InlineData(4, "contract-model", "Dot")]
    [InlineData(4, null, "Cosine")]
    public async Task An_existing_collection_of_another_space_is_refused(int size, string? model, string distance)
    {
        _qdrant.Collections["chunks"] = (size, distance, model);

        await Assert.ThrowsAsync<EmbeddingSpaceMismatchException>(() => Store().EnsureCollectionAsync(Space, CancellationToken.None));

        Assert.DoesNotContain(_server.Requests, r => r.Method == "PUT");
        Assert.Empty(_qdrant.ResponseErrors);
    }

    [RequiresQdrantSpecFact]
    public async Task A_collection_created_by_another_replica_meanwhile_is_accepted()
    {
        _qdrant.RaceOnCreate = true;

        await Store().EnsureCollectionAsync(Space, CancellationToken.None);

        Assert.Contains(_server.Requests, r => r.Method == "PUT" && r.Path == "/collections/chunks");
        Assert.Empty(_qdrant.ResponseErrors);
    }

    [RequiresQdrantSpecFact]
    public async Task Qdrant_errors_surface_with_qdrant_s_message()
    {
        var store = Store();
        await store.EnsureCollectionAsync(Space, CancellationToken.None);
        _qdrant.FailWrites = "Service internal error: No space left on device";

        var error = await Assert.ThrowsAsync<VectorStoreException>(() =>
            store.UpsertAsync([Record("maya", "v", Guid.NewGuid(), 0, null, 1, 0, 0, 0)], CancellationToken.None));

        Assert.Contains("No space left on device", error.Message, StringComparison.Ordinal);
        Assert.Contains("500", error.Message, StringComparison.Ordinal);
        Assert.Empty(_qdrant.ResponseErrors);
    }

    [RequiresQdrantSpecFact]
    public async Task An_unreachable_qdrant_is_a_vector_store_error()
    {
        using var http = new HttpClient();
        QdrantConnection.Parse($"Endpoint=http://127.0.0.1:{CreatorChat.Testing.FreePort.Next()}").Configure(http);

        await Assert.ThrowsAsync<VectorStoreException>(() => new QdrantVectorStore(http, new QdrantVectorStoreOptions()).EnsureCollectionAsync(Space, CancellationToken.None));
    }

    [RequiresQdrantSpecFact]
    public void The_validator_rejects_what_qdrant_would_reject()
    {
        var spec = Spec.Value;
        IReadOnlyList<string> Validate(string schema, string json) => spec.Validate(JsonNode.Parse(json), spec.Schema(schema));

        Assert.Empty(Validate("CreateCollection", """{"vectors":{"size":4,"distance":"Cosine"},"metadata":{"a":1}}"""));
        Assert.NotEmpty(Validate("CreateCollection", """{"vectors":{"size":"4","distance":"Cosine"}}"""));
        Assert.NotEmpty(Validate("CreateCollection", """{"vectors":{"size":4,"distance":"cosine"}}"""));
        Assert.NotEmpty(Validate("CreateCollection", """{"vector":{"size":4,"distance":"Cosine"}}"""));
        Assert.Empty(Validate("PointInsertOperations", """{"points":[{"id":"550e8400-e29b-41d4-a716-446655440000","vector":[0.1,0.2],"payload":{"x":null}}]}"""));
        Assert.NotEmpty(Validate("PointInsertOperations", """{"points":[{"id":"550e8400-e29b-41d4-a716-446655440000","payload":{}}]}"""));
        Assert.NotEmpty(Validate("PointInsertOperations", """{"points":[{"id":"not-a-uuid","vector":[0.1]}]}"""));
        Assert.NotEmpty(Validate("PointInsertOperations", """{"points":[{"id":-3,"vector":[0.1]}]}"""));
        Assert.Empty(Validate("QueryRequest", """{"query":[0.1,0.2],"filter":{"must":[{"key":"k","match":{"any":["a","b"]}}]},"limit":3,"with_payload":true}"""));
        Assert.NotEmpty(Validate("QueryRequest", """{"query":[0.1,0.2],"limit":0}"""));
        Assert.NotEmpty(Validate("QueryRequest", """{"query":[0.1,0.2],"filter":{"mustt":[]}}"""));
        Assert.NotEmpty(Validate("QueryRequest", """{"query":[0.1],"filter":{"must":[{"key":"k","match":{"any":["a","a"]}}]}}"""));
        Assert.NotEmpty(Validate("QueryRequest", """{"query":[0.1],"filter":{"must":[{"key":"k","match":{"value":{"nested":1}}}]}}"""));
        Assert.NotEmpty(Validate("QueryRequest", """{"query":[0.1],"limt":3}"""));
        Assert.Empty(Validate("QueryRequest", """{"query":[0.1],"score_threshold":null,"filter":null}"""));
        Assert.NotEmpty(Validate("CreateFieldIndex", """{"field_schema":"keyword"}"""));
        Assert.NotEmpty(Validate("CreateFieldIndex", """{"field_name":"x","field_schema":{"type":"keyword","is_tenant":"yes"}}"""));
        Assert.Throws<NotSupportedException>(() => spec.Validate(JsonNode.Parse("1"), JsonNode.Parse("""{"patternProperties":{}}""")!));
    }

    /// <summary>Finds the request's operation in the specification and checks it against it.</summary>
    private static (string OperationId, JsonObject Operation) Check(RecordedRequest request)
    {
        var spec = Spec.Value;
        var (template, operation) = FindOperation(spec.Document, request.Method, request.Path)
                                    ?? throw new Xunit.Sdk.XunitException($"{request.Method} {request.Path} is not an operation of Qdrant's REST API");
        var id = operation["operationId"]!.GetValue<string>();

        var declared = (operation["parameters"]?.AsArray() ?? []).Where(p => p!["in"]!.GetValue<string>() == "query").Select(p => p!["name"]!.GetValue<string>()).ToHashSet();
        Assert.All(request.Query.Keys, q => Assert.True(declared.Contains(q), $"{id}: query parameter '{q}' is not declared"));
        Assert.Equal(Key, request.Headers.GetValueOrDefault("api-key"));

        if (operation["requestBody"]?["content"]?["application/json"]?["schema"] is { } schema)
        {
            Assert.StartsWith("application/json", request.Headers.GetValueOrDefault("Content-Type") ?? "", StringComparison.Ordinal);
            var errors = spec.Validate(JsonNode.Parse(request.Body), schema);
            Assert.True(errors.Count == 0, $"{id} ({template}) body violates the specification:\n{string.Join('\n', errors.Take(10))}\n{request.Body[..Math.Min(500, request.Body.Length)]}");
        }
        else
        {
            Assert.True(request.Body.Length == 0, $"{id} takes no body");
        }

        return (id, operation);
    }

    public static (string Template, JsonObject Operation)? FindOperation(JsonObject document, string method, string path)
    {
        var candidates = new List<(string Template, JsonObject Operation, int Parameters)>();
        foreach (var (template, item) in document["paths"]!.AsObject())
        {
            var pattern = "^" + Regex.Replace(Regex.Escape(template), @"\\\{[^}]+}", "[^/]+") + "$";
            if (Regex.IsMatch(path, pattern) && item![method.ToLowerInvariant()] is JsonObject operation)
            {
                candidates.Add((template, operation, template.Count(c => c == '{')));
            }
        }

        return candidates.Count == 0 ? null : candidates.OrderBy(c => c.Parameters).Select(c => (c.Template, c.Operation)).First();
    }

    /// <summary>
    /// Enough of Qdrant to answer the client: collections with size/distance/metadata, points with payloads,
    /// the must/match filters the client uses, cosine scores. Every answer is checked against the documented
    /// response schema of its operation before it is sent (mismatches land in <see cref="ResponseErrors"/>).
    /// </summary>
    private sealed class FakeQdrant
    {
        public ConcurrentDictionary<string, (int Size, string Distance, string? Model)> Collections { get; } = new();
        public ConcurrentDictionary<Guid, JsonObject> Points { get; } = new();
        public ConcurrentQueue<string> ResponseErrors { get; } = new();
        public bool RaceOnCreate { get; set; }
        public string? FailWrites { get; set; }

        public CannedResponse Handle(RecordedRequest request, OpenApiSchemaValidator spec)
        {
            var found = FindOperation(spec.Document, request.Method, request.Path);
            if (found is null)
            {
                return Error(404, $"Not found: {request.Method} {request.Path}", spec, null);
            }

            var operation = found.Value.Operation;
            var name = request.Path.Split('/')[2];
            var body = request.Body.Length > 0 ? JsonNode.Parse(request.Body)!.AsObject() : null;
            JsonNode? result;
            switch (operation["operationId"]!.GetValue<string>())
            {
                case "collection_exists":
                    result = new JsonObject { ["exists"] = Collections.ContainsKey(name) };
                    break;
                case "create_collection":
                    if (RaceOnCreate)
                    {
                        Collections[name] = (body!["vectors"]!["dense"]!["size"]!.GetValue<int>(), "Cosine", body["metadata"]![QdrantVectorStore.ModelKey]!.GetValue<string>());
                        return Error(409, $"Wrong input: Collection `{name}` already exists!", spec, operation);
                    }

                    Collections[name] = (body!["vectors"]!["dense"]!["size"]!.GetValue<int>(), body["vectors"]!["dense"]!["distance"]!.GetValue<string>(),
                        body["metadata"]?[QdrantVectorStore.ModelKey]?.GetValue<string>());
                    result = true;
                    break;
                case "get_collection":
                    if (!Collections.TryGetValue(name, out var collection))
                    {
                        return Error(404, $"Not found: Collection `{name}` doesn't exist!", spec, operation);
                    }

                    result = CollectionInfo(collection);
                    break;
                case "create_field_index":
                    result = new JsonObject { ["operation_id"] = 1, ["status"] = "completed" };
                    break;
                case "upsert_points":
                    if (FailWrites is not null)
                    {
                        return Error(500, FailWrites, spec, operation);
                    }

                    foreach (var point in body!["points"]!.AsArray())
                    {
                        Points[Guid.Parse(point!["id"]!.GetValue<string>())] = point.DeepClone().AsObject();
                    }

                    result = new JsonObject { ["operation_id"] = 2, ["status"] = "completed" };
                    break;
                case "delete_points":
                    foreach (var id in Matching(body!["filter"]).Select(p => Guid.Parse(p["id"]!.GetValue<string>())).ToList())
                    {
                        Points.TryRemove(id, out _);
                    }

                    result = new JsonObject { ["operation_id"] = 3, ["status"] = "completed" };
                    break;
                case "query_points":
                    result = Query(body!);
                    break;
                case "query_batch_points":
                    result = new JsonArray(body!["searches"]!.AsArray().Select(search => (JsonNode)Query(search!.AsObject())).ToArray());
                    break;
                case "scroll_points":
                    // Points ordered by id; offset is the first id of the page, next_page_offset the first of the next one.
                    var pageSize = body!["limit"]?.GetValue<int>() ?? 10;
                    var from = body["offset"]?.GetValue<string>();
                    var page = Matching(body["filter"]).OrderBy(p => p["id"]!.GetValue<string>(), StringComparer.Ordinal)
                        .SkipWhile(p => from is not null && string.CompareOrdinal(p["id"]!.GetValue<string>(), from) < 0).Take(pageSize + 1).ToList();
                    result = new JsonObject
                    {
                        ["points"] = new JsonArray(page.Take(pageSize).Select(p => (JsonNode)new JsonObject
                        {
                            ["id"] = p["id"]!.DeepClone(),
                            ["payload"] = body["with_payload"]?.GetValue<bool>() == false ? null : p["payload"]!.DeepClone(),
                        }).ToArray()),
                        ["next_page_offset"] = page.Count > pageSize ? page[pageSize]["id"]!.DeepClone() : null,
                    };
                    break;
                case "delete_collection":
                    if (!Collections.TryRemove(name, out _))
                    {
                        return Error(404, $"Not found: Collection `{name}` doesn't exist!", spec, operation);
                    }

                    Points.Clear(); // the fake keeps the points of one collection
                    result = true;
                    break;
                case "count_points":
                    result = new JsonObject { ["count"] = Matching(body!["filter"]).Count() };
                    break;
                default:
                    return Error(400, "The fake does not implement " + operation["operationId"], spec, operation);
            }

            var response = new JsonObject { ["usage"] = null, ["time"] = 0.0012, ["status"] = "ok", ["result"] = result };
            Verify(response, operation, "200", spec);
            return CannedResponse.Json(response.ToJsonString());
        }

        /// <summary>One query request (a query, or prefetches fused by weighted RRF) answered as <c>{"points": [...]}</c>.</summary>
        private JsonObject Query(JsonObject body)
        {
            var limit = body["limit"]?.GetValue<int>() ?? 10;
            IEnumerable<(JsonObject Point, float Score)> scored;
            if (body["prefetch"] is JsonArray prefetches)
            {
                // Weighted reciprocal rank fusion of the prefetches, as Qdrant's {"rrf": {"k", "weights"}}.
                var k = body["query"]!["rrf"]!["k"]?.GetValue<int>() ?? 2;
                var weights = body["query"]!["rrf"]!["weights"]?.AsArray().Select(w => w!.GetValue<float>()).ToArray();
                var fusedScores = new Dictionary<JsonObject, float>();
                for (var p = 0; p < prefetches.Count; p++)
                {
                    var ranked = Rank(prefetches[p]!.AsObject()).ToList();
                    for (var r = 0; r < ranked.Count; r++)
                    {
                        fusedScores[ranked[r].Point] = fusedScores.GetValueOrDefault(ranked[r].Point) + ((weights?[p] ?? 1f) / (k + r + 1f));
                    }
                }

                scored = fusedScores.Select(f => (f.Key, f.Value)).OrderByDescending(f => f.Value);
            }
            else
            {
                scored = Rank(body);
            }

            var withDense = body["with_vector"] is JsonArray names && names.Any(n => n!.GetValue<string>() == "dense");
            var points = scored.Where(s => Matches(s.Point, body["filter"])).Take(limit).Select(s =>
            {
                var point = new JsonObject
                {
                    ["id"] = s.Point["id"]!.DeepClone(),
                    ["version"] = 7,
                    ["score"] = s.Score,
                    ["payload"] = s.Point["payload"]!.DeepClone(),
                };
                if (withDense)
                {
                    point["vector"] = new JsonObject { ["dense"] = s.Point["vector"]!["dense"]!.DeepClone() };
                }

                return (JsonNode)point;
            });
            return new JsonObject { ["points"] = new JsonArray(points.ToArray()) };
        }

        private static float Cosine(float[] a, float[] b)
        {
            var dot = System.Numerics.Tensors.TensorPrimitives.Dot(a, b);
            return dot / (System.Numerics.Tensors.TensorPrimitives.Norm(a) * System.Numerics.Tensors.TensorPrimitives.Norm(b));
        }

        private IEnumerable<JsonObject> Matching(JsonNode? filter) => Points.Values.Where(point => Matches(point, filter));

        private static bool Matches(JsonObject point, JsonNode? filter) =>
            (filter?["must"]?.AsArray() ?? []).All(condition =>
            {
                var value = point["payload"]![condition!["key"]!.GetValue<string>()]?.ToString();
                var match = condition["match"]!;
                return match["value"] is { } exact ? exact.ToString() == value : match["any"]!.AsArray().Any(a => a!.ToString() == value);
            });

        /// <summary>One query (dense by cosine, or sparse by dot product of shared indices), filtered, best first, up to its limit.</summary>
        private IEnumerable<(JsonObject Point, float Score)> Rank(JsonObject query)
        {
            var threshold = query["score_threshold"]?.GetValue<float>() ?? float.MinValue;
            var candidates = Matching(query["filter"]);
            IEnumerable<(JsonObject Point, float Score)> scored;
            if (query["using"]!.GetValue<string>() == "bm25")
            {
                var terms = query["query"]!["indices"]!.AsArray().Select(i => i!.GetValue<uint>())
                    .Zip(query["query"]!["values"]!.AsArray().Select(v => v!.GetValue<float>())).ToDictionary(t => t.First, t => t.Second);
                scored = candidates.Where(p => p["vector"]!["bm25"] is not null).Select(p => (Point: p, Score: p["vector"]!["bm25"]!["indices"]!.AsArray()
                    .Select(i => i!.GetValue<uint>()).Zip(p["vector"]!["bm25"]!["values"]!.AsArray().Select(v => v!.GetValue<float>()))
                    .Sum(t => terms.GetValueOrDefault(t.First) * t.Second))).Where(s => s.Score > 0);
            }
            else
            {
                var vector = query["query"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray();
                scored = candidates.Select(p => (Point: p, Score: Cosine(vector, p["vector"]!["dense"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray())));
            }

            return scored.Where(s => s.Score >= threshold).OrderByDescending(s => s.Score).Take(query["limit"]?.GetValue<int>() ?? 10).ToList();
        }

        private static JsonObject CollectionInfo((int Size, string Distance, string? Model) collection)
        {
            var metadata = collection.Model is null ? null : new JsonObject { [QdrantVectorStore.ModelKey] = collection.Model, [QdrantVectorStore.DimensionsKey] = collection.Size };
            return new JsonObject
            {
                ["status"] = "green",
                ["optimizer_status"] = "ok",
                ["indexed_vectors_count"] = 0,
                ["points_count"] = 0,
                ["segments_count"] = 2,
                ["config"] = new JsonObject
                {
                    ["params"] = new JsonObject
                    {
                        ["vectors"] = new JsonObject { ["dense"] = new JsonObject { ["size"] = collection.Size, ["distance"] = collection.Distance } },
                        ["sparse_vectors"] = new JsonObject { ["bm25"] = new JsonObject { ["modifier"] = "idf" } },
                        ["shard_number"] = 1,
                        ["replication_factor"] = 1,
                        ["write_consistency_factor"] = 1,
                        ["on_disk_payload"] = true,
                    },
                    ["hnsw_config"] = new JsonObject { ["m"] = 16, ["ef_construct"] = 100, ["full_scan_threshold"] = 10000 },
                    ["optimizer_config"] = new JsonObject
                    {
                        ["deleted_threshold"] = 0.2, ["vacuum_min_vector_number"] = 1000, ["default_segment_number"] = 0,
                        ["flush_interval_sec"] = 5,
                    },
                    ["metadata"] = metadata,
                },
                ["payload_schema"] = new JsonObject(),
            };
        }

        private CannedResponse Error(int status, string message, OpenApiSchemaValidator spec, JsonObject? operation)
        {
            var response = new JsonObject { ["status"] = new JsonObject { ["error"] = message }, ["time"] = 0.0001, ["result"] = null };
            if (operation is not null)
            {
                Verify(response, operation, status < 500 ? "4XX" : "default", spec);
            }

            return CannedResponse.Json(response.ToJsonString(), status);
        }

        private void Verify(JsonObject response, JsonObject operation, string status, OpenApiSchemaValidator spec)
        {
            var schema = operation["responses"]?[status]?["content"]?["application/json"]?["schema"];
            if (schema is null)
            {
                ResponseErrors.Enqueue($"{operation["operationId"]}: no documented {status} response");
                return;
            }

            foreach (var error in spec.Validate(response, schema))
            {
                ResponseErrors.Enqueue($"{operation["operationId"]} {status}: {error}");
            }
        }
    }
}

/// <summary>A theory skipped, with the reason, when ../shared/data/qdrant-openapi is absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresQdrantSpecTheoryAttribute : TheoryAttribute
{
    public RequiresQdrantSpecTheoryAttribute() => Skip = SharedData.MissingQdrantSpec;
}
