using System.ComponentModel.DataAnnotations;

namespace CreatorChat.Retrieval.Infrastructure.VectorStores;

/// <summary><c>Retrieval:VectorStore</c> for Qdrant (<c>ConnectionStrings:qdrant_http</c> set).</summary>
public sealed record QdrantVectorStoreOptions : VectorStoreOptions
{
    public QdrantVectorStoreOptions()
        : base(collection: "creatorchat_chunks")
    {
    }

    /// <summary>Points per upsert request.</summary>
    [Range(1, 10_000)]
    public int UpsertBatch { get; init; } = 256;
}
