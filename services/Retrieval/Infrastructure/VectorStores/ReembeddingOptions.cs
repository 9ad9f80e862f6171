using System.ComponentModel.DataAnnotations;

namespace CreatorChat.Retrieval.Infrastructure.VectorStores;

/// <summary><c>Retrieval:Reembedding</c>: the re-embedding job (one replica at a time holds it) and how each replica follows the spaces.</summary>
public sealed record ReembeddingOptions : LeasedWorkerOptions
{
    public const string Section = "Retrieval:Reembedding";

    /// <summary>The lease is renewed after each video, so it only has to outlast the re-embedding of one.</summary>
    public ReembeddingOptions()
        : base(leaseDuration: TimeSpan.FromSeconds(60))
    {
    }

    /// <summary>Videos read per round of the job.</summary>
    [Range(1, 10_000)]
    public int BatchVideos { get; init; } = 50;

    /// <summary>How long a replaced collection is kept after the switch, for searches that still use it (replicas re-read the spaces every <see cref="RefreshInterval"/>).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan RetireDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How stale this replica's view of which space is active may be.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(1);
}
