namespace CreatorChat.Retrieval.Model;

public static class JobStatus
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
}

public static class VideoStatus
{
    public const string Queued = "queued";
    public const string Processing = "processing";
    public const string Ready = "ready";
    public const string Failed = "failed";
}

/// <summary>An ingestion job as stored (without its transcript).</summary>
public sealed record IngestionJob
{
    public required Guid Id { get; init; }
    public required string CreatorSlug { get; init; }
    public required string VideoId { get; init; }
    public required string Title { get; init; }
    public string? Url { get; init; }
    public DateTimeOffset? PublishedAt { get; init; }
    public required string Format { get; init; }
    public required string Status { get; init; }
    public float Progress { get; init; }
    public string? Error { get; init; }
    public int Attempts { get; init; }
    public int? CueCount { get; init; }
    public int? ChunkCount { get; init; }
    public Guid? RequestedBy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A job this replica holds the lease of, with what it needs to run it.</summary>
public sealed record ClaimedJob(IngestionJob Job, string Transcript, string LeaseOwner);

/// <summary>A video of a creator's knowledge as stored.</summary>
public sealed record Video
{
    public required string CreatorSlug { get; init; }
    public required string VideoId { get; init; }
    public required string Title { get; init; }
    public string? Url { get; init; }
    public DateTimeOffset? PublishedAt { get; init; }
    public int ChunkCount { get; init; }
    public required string Status { get; init; }
    public string? Error { get; init; }
    public Guid? LatestJobId { get; init; }
    public Guid? ActiveGeneration { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A creator's knowledge: <see cref="Version"/> changes whenever what search can return changes.</summary>
public sealed record KnowledgeState(string CreatorSlug, long Version, int VideoCount, int ChunkCount)
{
    public static KnowledgeState Empty(string creatorSlug) => new(creatorSlug, 0, 0, 0);
}

/// <summary>A video's content to (re)ingest, as accepted by the API.</summary>
public sealed record NewIngestion(
    string CreatorSlug, string VideoId, string Title, string? Url, DateTimeOffset? PublishedAt, string Format, string Transcript, Guid? RequestedBy);

/// <summary>Chunks of a video to remove from the vector store (null generations: all of them).</summary>
public sealed record VectorCleanup
{
    public long Id { get; init; }
    public required string CreatorSlug { get; init; }
    public required string VideoId { get; init; }
    public Guid[]? Generations { get; init; }
    public int Attempts { get; init; }
}

public enum ActivationOutcome
{
    /// <summary>The new chunks are now the video's searchable content.</summary>
    Activated,

    /// <summary>A newer upload of the video, or its deletion, came first; the job's chunks were discarded.</summary>
    Superseded,

    /// <summary>This replica no longer holds the job (its lease expired and another replica took it).</summary>
    LeaseLost,

    /// <summary>The active embedding space does not hold the job's chunks (it changed while the job ran): the job runs again.</summary>
    NotWritten,
}

public sealed record ActivationResult(ActivationOutcome Outcome, KnowledgeState? Knowledge);

public sealed record IngestionOutput(int CueCount, int ChunkCount);
