using CreatorChat.Retrieval.Infrastructure.Embeddings;
using CreatorChat.Retrieval.Model;

namespace CreatorChat.Retrieval.Infrastructure.VectorStores;

/// <summary>One embedding space as this replica uses it: its collection, and the model that embeds for it (null when it cannot run here).</summary>
public sealed record VectorSpace(long Id, string Collection, EmbeddingSpace Space, IVectorStore Store, Embedder? Embedder)
{
    public override string ToString() => $"{Space} in '{Collection}'";
}

/// <summary>
/// What search and ingestion use right now: the <see cref="Active"/> space (search answers from it), and while a
/// re-embedding runs the <see cref="Building"/> one with its <see cref="Progress"/>. Ingestion writes every space
/// whose model runs here (<see cref="Writable"/>), so new uploads are in both when the switch comes.
/// </summary>
public sealed record VectorSpaceState(VectorSpace Active, VectorSpace? Building, ReembeddingProgress? Progress)
{
    public IEnumerable<VectorSpace> Live => Building is null ? [Active] : [Active, Building];

    public IEnumerable<VectorSpace> Writable => Live.Where(s => s.Embedder is not null);
}
