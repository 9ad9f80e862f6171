using System.ComponentModel.DataAnnotations;

namespace CreatorChat.Retrieval.Infrastructure.VectorStores;

/// <summary><c>Retrieval:VectorStore</c> for the embedded store (no <c>ConnectionStrings:qdrant_http</c>).</summary>
public sealed record EmbeddedVectorStoreOptions : VectorStoreOptions
{
    public EmbeddedVectorStoreOptions()
        : base(collection: "chunks")
    {
    }

    /// <summary>
    /// Memory for partitions across all creators before the least recently searched are dropped (they load
    /// again on demand). 400 MB holds about 330,000 chunks of 384 dimensions (about 1.2 KB each: 412 bytes of int8 vector
    /// and row ids, the rest their BM25 terms, see <see cref="VectorPartition.EstimatedBytes"/>).
    /// </summary>
    [Range(1, long.MaxValue)]
    public long MaxCachedBytes { get; init; } = 400L * 1024 * 1024;

    /// <summary>Candidates re-scored exactly beyond the ones asked for (the in-memory scan is int8-accurate).</summary>
    [Range(0, 10_000)]
    public int RescoreMargin { get; init; } = 10;

    /// <summary>Cores one search may use on a large partition.</summary>
    [Range(1, 256)]
    public int MaxSearchParallelism { get; init; } = Math.Max(1, Math.Min(Environment.ProcessorCount, 4));

    /// <summary>Rows per INSERT statement when upserting.</summary>
    [Range(1, 100_000)]
    public int WriteBatchRows { get; init; } = 1000;
}
