using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using CreatorChat.Retrieval.Infrastructure.Embeddings;
using CreatorChat.Retrieval.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using OpenAI;
using OpenAI.Embeddings;

namespace CreatorChat.Retrieval.Tests.Embeddings;

/// <summary>The OpenAI-compatible embedder against a loopback server that speaks the embeddings API.</summary>
public sealed class OpenAIEmbeddingGeneratorTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<CannedResponse> _failures = new();
    private RecordingServer _server = null!;

    public async Task InitializeAsync() => _server = await RecordingServer.StartAsync(AnswerAsync);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    // Answers like OpenAI: float or base64 vectors, data in an order of its own (clients must use "index").
    private Task<CannedResponse> AnswerAsync(RecordedRequest request)
    {
        if (_failures.TryDequeue(out var failure))
        {
            return Task.FromResult(failure);
        }

        var body = JsonNode.Parse(request.Body)!;
        var inputs = body["input"]!.AsArray().Select(i => i!.GetValue<string>()).ToList();
        var dimensions = body["dimensions"]?.GetValue<int>() ?? 64;
        var base64 = body["encoding_format"]?.GetValue<string>() == "base64";
        var generator = new HashingEmbeddingGenerator(dimensions);
        var data = new JsonArray();
        for (var i = inputs.Count - 1; i >= 0; i--)
        {
            var vector = generator.Embed(inputs[i]);
            for (var d = 0; d < vector.Length; d++)
            {
                vector[d] *= 3; // not normalised: the Embedder must normalise
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
        return Task.FromResult(CannedResponse.Json(response.ToJsonString()));
    }

    private OpenAIEmbeddingGenerator Generator(int? dimensions = 64, OpenAIEmbeddingOptions? options = null)
    {
        var connection = EmbeddingConnection.Parse($"Endpoint={_server.Url}v1;Key=sk-test-123;Model=text-embedding-3-small" + (dimensions is null ? "" : $";Dimensions={dimensions}"));
        var client = new EmbeddingClient(connection.Model, new ApiKeyCredential(connection.Key!), new OpenAIClientOptions
        {
            Endpoint = connection.Endpoint,
            RetryPolicy = new ClientRetryPolicy(0),
        });
        return new OpenAIEmbeddingGenerator(
            client, connection, options ?? new OpenAIEmbeddingOptions { BaseDelay = TimeSpan.FromMilliseconds(10) }, TimeProvider.System,
            NullLogger<OpenAIEmbeddingGenerator>.Instance);
    }

    [Fact]
    public async Task Inputs_are_sent_in_batches_and_results_come_back_in_input_order()
    {
        using var generator = Generator(options: new OpenAIEmbeddingOptions { MaxBatchInputs = 40, MaxConcurrency = 2 });
        var inputs = Enumerable.Range(0, 100).Select(i => $"passage number {i} about proofing dough {i % 7}").ToList();

        var embeddings = await generator.GenerateAsync(inputs);

        var requests = _server.Requests;
        Assert.Equal([40, 40, 20], requests.Select(r => JsonNode.Parse(r.Body)!["input"]!.AsArray().Count).Order().Reverse());
        Assert.All(requests, r => Assert.Equal("/v1/embeddings", r.Path));
        Assert.All(requests, r => Assert.Equal("Bearer sk-test-123", r.Headers["Authorization"]));
        Assert.All(requests, r => Assert.Equal(64, JsonNode.Parse(r.Body)!["dimensions"]!.GetValue<int>()));
        var expected = new HashingEmbeddingGenerator(64);
        for (var i = 0; i < inputs.Count; i++)
        {
            var want = expected.Embed(inputs[i]).Select(v => v * 3).ToArray();
            Assert.Equal(want, embeddings[i].Vector.ToArray());
            Assert.Equal("text-embedding-3-small", embeddings[i].ModelId);
        }
    }

    [Fact]
    public async Task Batches_are_also_bounded_by_characters()
    {
        using var generator = Generator(options: new OpenAIEmbeddingOptions { MaxBatchInputs = 100, MaxBatchChars = 1000 });

        await generator.GenerateAsync(Enumerable.Range(0, 10).Select(_ => new string('a', 300)).ToList());

        Assert.Equal([3, 3, 3, 1], _server.Requests.Select(r => JsonNode.Parse(r.Body)!["input"]!.AsArray().Count).OrderDescending());
    }

    [Fact]
    public async Task Rate_limits_and_server_errors_are_retried_honouring_retry_after()
    {
        _failures.Enqueue(new CannedResponse(429, """{"error":{"message":"Rate limit reached","type":"requests"}}""", new Dictionary<string, string> { ["retry-after-ms"] = "300" }));
        _failures.Enqueue(new CannedResponse(503, """{"error":{"message":"overloaded"}}"""));
        using var generator = Generator();

        var started = DateTime.UtcNow;
        var embeddings = await generator.GenerateAsync(["crust"]);

        Assert.Single(embeddings);
        Assert.Equal(3, _server.Requests.Count);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(290), "waited as Retry-After asked");
    }

    [Fact]
    public async Task Client_errors_are_not_retried()
    {
        _failures.Enqueue(new CannedResponse(400, """{"error":{"message":"This model's maximum context length is 8192 tokens"}}"""));
        using var generator = Generator();

        var error = await Assert.ThrowsAsync<ClientResultException>(() => generator.GenerateAsync(["way too long"]));

        Assert.Equal(400, error.Status);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task Persistent_rate_limiting_gives_up_after_the_attempt_budget()
    {
        for (var i = 0; i < 10; i++)
        {
            _failures.Enqueue(new CannedResponse(429, """{"error":{"message":"slow down"}}""", new Dictionary<string, string> { ["Retry-After"] = "0" }));
        }

        using var generator = Generator(options: new OpenAIEmbeddingOptions { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(1) });

        var error = await Assert.ThrowsAsync<ClientResultException>(() => generator.GenerateAsync(["crumb"]));

        Assert.Equal(429, error.Status);
        Assert.Equal(3, _server.Requests.Count);
    }

    [Fact]
    public async Task The_embedder_probes_an_unknown_dimension_once_and_normalises_vectors()
    {
        using var generator = Generator(dimensions: null);
        var embedder = new Embedder(generator);

        var space = await embedder.GetSpaceAsync(CancellationToken.None);
        var vectors = await embedder.EmbedAsync(["one passage", "another passage"], CancellationToken.None);
        await embedder.GetSpaceAsync(CancellationToken.None);

        Assert.Equal(new EmbeddingSpace("text-embedding-3-small", 64), space);
        Assert.All(vectors, v => Assert.Equal(1f, System.Numerics.Tensors.TensorPrimitives.Norm(v), 4));
        Assert.Equal(2, _server.Requests.Count); // one probe, one batch
        Assert.Null(JsonNode.Parse(_server.Requests[0].Body)!["dimensions"]);
    }

    [Fact]
    public async Task A_provider_that_changes_its_dimension_is_an_error_not_a_silent_mix()
    {
        using var generator = Generator(dimensions: 64);
        var embedder = new Embedder(generator);
        await embedder.GetSpaceAsync(CancellationToken.None);
        using var other = Generator(dimensions: 96);

        var mixed = new Embedder(new SwappingGenerator(generator, other));
        await mixed.GetSpaceAsync(CancellationToken.None);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => mixed.EmbedAsync(["x y z"], CancellationToken.None));

        Assert.Contains("96 dimensions", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Key=abc;Model=m")]
    [InlineData("Endpoint=ftp://x;Model=m")]
    [InlineData("Endpoint=https://api.openai.com/v1;Key=k")]
    [InlineData("Endpoint=https://api.openai.com/v1;Model=m;Dimensions=0")]
    public void Incomplete_connection_strings_are_refused(string connectionString) =>
        Assert.Throws<InvalidOperationException>(() => EmbeddingConnection.Parse(connectionString));

    // Answers metadata from the first generator and vectors from the second: a provider that changed its model underneath.
    private sealed class SwappingGenerator(IEmbeddingGenerator<string, Embedding<float>> metadata, IEmbeddingGenerator<string, Embedding<float>> vectors)
        : IEmbeddingGenerator<string, Embedding<float>>
    {
        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, Microsoft.Extensions.AI.EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            vectors.GenerateAsync(values, options, cancellationToken);

        public object? GetService(Type serviceType, object? serviceKey = null) => metadata.GetService(serviceType, serviceKey);

        public void Dispose()
        {
        }
    }
}
