using CreatorChat.Retrieval.Model;
using CreatorChat.Retrieval.Model.Search;

namespace CreatorChat.Retrieval.Infrastructure.VectorStores;

/// <summary>
/// Where chunk vectors live. Implementations: <see cref="EmbeddedVectorStore"/> (Postgres + in-memory exact
/// search, the default) and <see cref="QdrantVectorStore"/>. Both pass the same behavioural test suite.
/// Every operation is scoped to one creator; vectors are L2-normalised, so scores are cosine similarities.
/// </summary>
public interface IVectorStore
{
    /// <summary>"embedded" or "qdrant".</summary>
    string Kind { get; }

    /// <summary>
    /// Creates the collection for this embedding space, or checks that the existing one was built with
    /// the same model and dimension; throws <see cref="EmbeddingSpaceMismatchException"/> otherwise.
    /// </summary>
    Task EnsureCollectionAsync(EmbeddingSpace space, CancellationToken cancellationToken);

    /// <summary>The embedding space the collection was created for, or null when there is no such collection.</summary>
    Task<EmbeddingSpace?> FindCollectionAsync(CancellationToken cancellationToken);

    /// <summary>Deletes the collection with every chunk in it (a retired embedding space). Idempotent.</summary>
    Task DropCollectionAsync(CancellationToken cancellationToken);

    /// <summary>One generation of one video's chunks in sequence order, without vectors: what re-embedding reads.</summary>
    Task<IReadOnlyList<StoredChunk>> ReadAsync(string creatorSlug, string videoId, Guid generation, CancellationToken cancellationToken);

    /// <summary>Inserts or overwrites (by id) the records. Idempotent.</summary>
    Task UpsertAsync(IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken);

    /// <summary>Deletes a video's chunks of the given generations, or of every generation when null. Idempotent.</summary>
    Task DeleteAsync(string creatorSlug, string videoId, IReadOnlyCollection<Guid>? generations, CancellationToken cancellationToken);

    /// <summary>The best matches of one creator's chunks, highest score first, none below <see cref="VectorQuery.MinScore"/>.</summary>
    Task<IReadOnlyList<VectorMatch>> SearchAsync(VectorQuery query, CancellationToken cancellationToken);

    /// <summary>How many chunks a creator has stored (all generations); for tests and diagnostics.</summary>
    Task<long> CountAsync(string creatorSlug, CancellationToken cancellationToken);
}
