using System.ComponentModel.DataAnnotations;

namespace CreatorChat.Retrieval.Infrastructure;

/// <summary>
/// What configures a background worker whose jobs live in Postgres and are held by one replica at a time under a
/// lease (ingestion, re-embedding): whether it runs here, how often it looks for work, how long a lease lasts.
/// </summary>
public abstract record LeasedWorkerOptions
{
    protected LeasedWorkerOptions(TimeSpan leaseDuration) => LeaseDuration = leaseDuration;

    /// <summary>Run the worker in this replica (every replica does by default; the jobs are shared through Postgres).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>An idle worker looks for work at least this often.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a claimed job stays this replica's without a heartbeat; after that another replica takes it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan LeaseDuration { get; init; }
}
