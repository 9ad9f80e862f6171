using System.Numerics.Tensors;
using CreatorChat.Retrieval.Model;
using Microsoft.Extensions.AI;

namespace CreatorChat.Retrieval.Infrastructure.Embeddings;

/// <summary>
/// The service's one way to turn text into vectors. Whatever the generator, vectors come out
/// L2-normalised (stores rank by dot product) and with the length of <see cref="EmbeddingSpace"/>;
/// a generator that suddenly answers with another length is an error, never silently stored.
/// </summary>
public sealed class Embedder(IEmbeddingGenerator<string, Embedding<float>> generator)
{
    private readonly SemaphoreSlim _probe = new(1, 1);
    private EmbeddingSpace? _space;

    public IEmbeddingGenerator<string, Embedding<float>> Generator => generator;

    /// <summary>The model and dimension; asks the provider once when its metadata does not say.</summary>
    public async Task<EmbeddingSpace> GetSpaceAsync(CancellationToken cancellationToken)
    {
        if (_space is { } known)
        {
            return known;
        }

        await _probe.WaitAsync(cancellationToken);
        try
        {
            if (_space is null)
            {
                var metadata = generator.GetService<EmbeddingGeneratorMetadata>();
                var model = metadata?.DefaultModelId ?? "unknown";
                var dimensions = metadata?.DefaultModelDimensions;
                if (dimensions is null)
                {
                    var probe = await generator.GenerateAsync(["dimension probe"], cancellationToken: cancellationToken);
                    dimensions = probe[0].Vector.Length;
                }

                _space = new EmbeddingSpace(model, dimensions.Value);
            }

            return _space;
        }
        finally
        {
            _probe.Release();
        }
    }

    public async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken) =>
        await EmbedAsync(texts, null, cancellationToken);

    private async Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, EmbeddingGenerationOptions? options, CancellationToken cancellationToken)
    {
        if (texts.Count == 0)
        {
            return [];
        }

        var space = await GetSpaceAsync(cancellationToken);
        var generated = await generator.GenerateAsync(texts, options, cancellationToken);
        if (generated.Count != texts.Count)
        {
            throw new InvalidOperationException($"The embedding model returned {generated.Count} vectors for {texts.Count} texts.");
        }

        var vectors = new float[texts.Count][];
        for (var i = 0; i < generated.Count; i++)
        {
            var vector = generated[i].Vector.ToArray();
            if (vector.Length != space.Dimensions)
            {
                throw new InvalidOperationException(
                    $"The embedding model returned a vector of {vector.Length} dimensions; this collection holds {space}.");
            }

            Normalize(vector);
            vectors[i] = vector;
        }

        return vectors;
    }

    /// <summary>A search query's vector (models with a query instruction get it; see <see cref="SentenceEncoderGenerator.ForQuery"/>).</summary>
    public async Task<float[]> EmbedQueryAsync(string text, CancellationToken cancellationToken) =>
        (await EmbedAsync([text], SentenceEncoderGenerator.ForQuery, cancellationToken))[0];

    public static void Normalize(Span<float> vector)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0 && float.IsFinite(norm) && Math.Abs(norm - 1f) > 1e-6f)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }
    }
}
