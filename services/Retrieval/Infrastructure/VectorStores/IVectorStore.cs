using System.Security.Cryptography;
using System.Text;
using CreatorChat.Retrieval.Infrastructure.Embeddings;
using CreatorChat.Retrieval.Model.Search;

namespace CreatorChat.Retrieval.Infrastructure.VectorStores;

/// <summary>What a stored chunk carries besides its vector, returned with every match.</summary>
public sealed record ChunkPayload(string Title, string? Url, double StartSeconds, double EndSeconds, string Text);

/// <summary>
/// One chunk of one video as stored. <see cref="Generation"/> is the ingestion job that wrote it: a
/// video's chunks are replaced by writing a new generation and then switching the video to it, so
/// searches only ever see one complete generation per video.
/// </summary>
public sealed record VectorRecord(
    Guid Id, string CreatorId, string VideoId, Guid Generation, int Sequence, ReadOnlyMemory<float> Vector, ChunkPayload Payload)
{
    /// <summary>A stable id: writing the same chunk of the same generation twice overwrites it (idempotent retries).</summary>
    public static Guid IdFor(string creatorId, string videoId, Guid generation, int sequence)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{creatorId}\n{videoId}\n{generation:N}\n{sequence}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // version 8 (custom), RFC 9562
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // variant
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}

/// <summary>A stored chunk as <see cref="IVectorStore.ReadAsync"/> returns it.</summary>
public sealed record StoredChunk(int Sequence, ChunkPayload Payload);

/// <summary>Which signal ranks: the dense vectors, the BM25 terms, or both fused (<see cref="RankFusion"/>).</summary>
public enum SearchMode
{
    Semantic,
    Lexical,
    Hybrid,
}

/// <param name="Generations">Only chunks of these generations match (the videos' current ones); null matches all.</param>
/// <param name="MinScore">Semantic mode only: no match below this cosine similarity. Lexical and hybrid searches return the best <see cref="Limit"/> whatever their scores.</param>
public sealed record VectorQuery(string CreatorId, ReadOnlyMemory<float> Vector, int Limit, float MinScore, IReadOnlyCollection<Guid>? Generations)
{
    public SearchMode Mode { get; init; } = SearchMode.Semantic;

    /// <summary>The query's BM25 terms (<see cref="Bm25.Query"/>); needed by lexical and hybrid searches.</summary>
    public SparseVector Terms { get; init; } = SparseVector.Empty;

    public RankFusion Fusion { get; init; } = RankFusion.Default;
}

/// <summary>
/// A stored chunk that matched. <see cref="Score"/> ranks (semantic: cosine similarity −1..1; lexical: BM25;
/// hybrid: <see cref="RankFusion"/> score 0..1); <see cref="Similarity"/> is always the cosine similarity of
/// the chunk's vector to the query's, the semantic evidence the search confidence is calibrated on.
/// </summary>
public sealed record VectorMatch(Guid Id, string VideoId, Guid Generation, int Sequence, ChunkPayload Payload, float Score)
{
    public float Similarity { get; init; } = Score;
}

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
    Task<IReadOnlyList<StoredChunk>> ReadAsync(string creatorId, string videoId, Guid generation, CancellationToken cancellationToken);

    /// <summary>Inserts or overwrites (by id) the records. Idempotent.</summary>
    Task UpsertAsync(IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken);

    /// <summary>Deletes a video's chunks of the given generations, or of every generation when null. Idempotent.</summary>
    Task DeleteAsync(string creatorId, string videoId, IReadOnlyCollection<Guid>? generations, CancellationToken cancellationToken);

    /// <summary>The best matches of one creator's chunks, highest score first, none below <see cref="VectorQuery.MinScore"/>.</summary>
    Task<IReadOnlyList<VectorMatch>> SearchAsync(VectorQuery query, CancellationToken cancellationToken);

    /// <summary>How many chunks a creator has stored (all generations); for tests and diagnostics.</summary>
    Task<long> CountAsync(string creatorId, CancellationToken cancellationToken);
}

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
