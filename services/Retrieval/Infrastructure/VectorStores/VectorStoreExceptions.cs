using CreatorChat.Retrieval.Model;

namespace CreatorChat.Retrieval.Infrastructure.VectorStores;

/// <summary>The collection was built with another embedding model or dimension; mixing vectors would make search meaningless.</summary>
public sealed class EmbeddingSpaceMismatchException(string collection, EmbeddingSpace stored, EmbeddingSpace configured)
    : InvalidOperationException(
        $"The vector collection '{collection}' holds vectors of {stored}, but the configured embedding model is {configured}. " +
        "Vectors of different models cannot be compared; the service re-embeds stored passages into a new collection when the configured model changes.")
{
    public EmbeddingSpace Stored { get; } = stored;
    public EmbeddingSpace Configured { get; } = configured;
}

/// <summary>The vector store answered with an error or could not be reached.</summary>
public sealed class VectorStoreException(string message, Exception? inner = null) : Exception(message, inner);
