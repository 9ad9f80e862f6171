using System.Collections.Concurrent;
using CreatorChat.Retrieval.Model;
using Microsoft.Extensions.AI;

namespace CreatorChat.Retrieval.Infrastructure.Embeddings;

/// <summary>
/// An <see cref="Embedder"/> for an embedding space: the configured one, or another model this process can run
/// without new configuration — the offline models (by model id and dimension) and the configured OpenAI-compatible
/// model at another dimension. Search keeps answering from the previous space's vectors with its model while a new
/// space is being filled; a space whose model cannot run here (a remote model no longer configured) has none.
/// </summary>
public sealed class EmbeddingModels(Embedder configured, Func<EmbeddingSpace, IEmbeddingGenerator<string, Embedding<float>>?> create)
{
    private readonly ConcurrentDictionary<EmbeddingSpace, Lazy<Embedder?>> _others = new();

    public Embedder Configured => configured;

    public async Task<Embedder?> ForAsync(EmbeddingSpace space, CancellationToken cancellationToken)
    {
        if (await configured.GetSpaceAsync(cancellationToken) == space)
        {
            return configured;
        }

        return _others.GetOrAdd(space, s => new Lazy<Embedder?>(() => create(s) is { } generator ? new Embedder(generator) : null)).Value;
    }

    /// <summary>The offline generator that produced vectors of <paramref name="space"/>, if it is one of ours.</summary>
    public static IEmbeddingGenerator<string, Embedding<float>>? Offline(EmbeddingSpace space)
    {
        if (space.Model == $"{HashingEmbeddingGenerator.ModelPrefix}-{space.Dimensions}" && space.Dimensions >= 64)
        {
            return new HashingEmbeddingGenerator(space.Dimensions);
        }

        var model = new[] { SentenceModel.ArcticXs, SentenceModel.MiniLM }.FirstOrDefault(m => m.ModelId == space.Model);
        return model is not null && space.Dimensions == SentenceModel.Dimensions ? new SentenceEncoderGenerator(model) : null;
    }
}
