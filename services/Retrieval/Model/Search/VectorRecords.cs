using System.Security.Cryptography;
using System.Text;
using CreatorChat.Retrieval.Model.Text;

namespace CreatorChat.Retrieval.Model.Search;

/// <summary>What a stored chunk carries besides its vector, returned with every match.</summary>
public sealed record ChunkPayload(string Title, string? Url, double StartSeconds, double EndSeconds, string Text);

/// <summary>
/// One chunk of one video as stored. <see cref="Generation"/> is the ingestion job that wrote it: a
/// video's chunks are replaced by writing a new generation and then switching the video to it, so
/// searches only ever see one complete generation per video.
/// </summary>
public sealed record VectorRecord(
    Guid Id, string CreatorSlug, string VideoId, Guid Generation, int Sequence, ReadOnlyMemory<float> Vector, ChunkPayload Payload)
{
    /// <summary>A stable id: writing the same chunk of the same generation twice overwrites it (idempotent retries).</summary>
    public static Guid IdFor(string creatorSlug, string videoId, Guid generation, int sequence)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{creatorSlug}\n{videoId}\n{generation:N}\n{sequence}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // version 8 (custom), RFC 9562
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // variant
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}

/// <summary>A stored chunk as a vector store reads it back (<c>IVectorStore.ReadAsync</c>) returns it.</summary>
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
public sealed record VectorQuery(string CreatorSlug, ReadOnlyMemory<float> Vector, int Limit, float MinScore, IReadOnlyCollection<Guid>? Generations)
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
