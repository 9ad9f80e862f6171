using System.ClientModel;
using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using CreatorChat.Retrieval.Extensions;
using CreatorChat.Retrieval.Infrastructure;
using CreatorChat.Retrieval.Infrastructure.Embeddings;
using CreatorChat.Retrieval.Model;
using CreatorChat.Retrieval.Tests.Support;
using CreatorChat.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenAI.Embeddings;

namespace CreatorChat.Retrieval.Tests.Unit.Embeddings;

/// <summary>
/// The OpenAI-compatible embedder (the OpenAI SDK through Microsoft.Extensions.AI.OpenAI, our batching in front) against a
/// loopback Kestrel server that speaks the OpenAI embeddings API, as the provider would.
/// </summary>
public sealed class OpenAIEmbeddingsTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<CannedResponse> _failures = new();
    private readonly HttpClient _http = new();
    private RecordingServer _server = null!;

    public async Task InitializeAsync() => _server = await RecordingServer.StartAsync(AnswerAsync);

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private Task<CannedResponse> AnswerAsync(RecordedRequest request) =>
        Task.FromResult(_failures.TryDequeue(out var failure) ? failure : EmbeddingsApi.Answer(request));

    // What the service registers for ConnectionStrings:embeddings, over a plain HttpClient.
    private IEmbeddingGenerator<string, Embedding<float>> Generator(int? dimensions = 64, OpenAIEmbeddingOptions? options = null)
    {
        var connection = EmbeddingConnection.Parse($"Endpoint={_server.Url}v1;Key=sk-test-123;Model=text-embedding-3-small" + (dimensions is null ? "" : $";Dimensions={dimensions}"));
        return OpenAIEmbeddings.Create(_http, connection, options ?? new OpenAIEmbeddingOptions());
    }

    [Fact]
    public async Task The_service_embeds_through_the_OpenAI_adapter_in_an_OpenTelemetry_pipeline()
    {
        // The service's own wiring (AddApplicationServices), not started: nothing but the embedding pipeline is used.
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:embeddings"] = $"Endpoint={_server.Url}v1;Key=sk-test-123;Model=text-embedding-3-small;Dimensions=64",
            ["ConnectionStrings:retrievaldb"] = "Host=127.0.0.1;Database=unused",
            ["ConnectionStrings:cache"] = "127.0.0.1:1,abortConnect=false",
            ["Jwt:SigningKey"] = TestTokens.DefaultKey,
        });
        builder.AddServiceDefaults();
        builder.AddApplicationServices();
        using var service = builder.Build();
        var generator = service.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var spans = new ConcurrentQueue<System.Diagnostics.Activity>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == RetrievalTelemetry.Name,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);

        var space = await new Embedder(generator).GetSpaceAsync(CancellationToken.None);
        var embeddings = await generator.GenerateAsync(Enumerable.Range(0, 100).Select(i => $"passage {i}").ToList());

        Assert.Equal(new EmbeddingSpace("text-embedding-3-small", 64), space); // from the adapter's metadata: no probe request
        Assert.NotNull(generator.GetService<OpenTelemetryEmbeddingGenerator<string, Embedding<float>>>());
        Assert.NotNull(generator.GetService<BatchingEmbeddingGenerator>());
        Assert.NotNull(generator.GetService<EmbeddingClient>()); // the OpenAI SDK's client, adapted by Microsoft.Extensions.AI.OpenAI
        Assert.Equal(100, embeddings.Count);
        Assert.Equal([96, 4], _server.Requests.Select(r => JsonNode.Parse(r.Body)!["input"]!.AsArray().Count).OrderDescending());
        Assert.Contains(spans, s => s.DisplayName.StartsWith("embeddings", StringComparison.Ordinal) && Equals(s.GetTagItem("gen_ai.request.model"), "text-embedding-3-small"));
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

        using var generator = Generator(options: new OpenAIEmbeddingOptions { MaxAttempts = 3 });

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
