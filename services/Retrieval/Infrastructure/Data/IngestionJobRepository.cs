using System.Data;
using CreatorChat.Retrieval.Model;
using Dapper;
using Npgsql;

namespace CreatorChat.Retrieval.Infrastructure.Data;

/// <summary>
/// <c>ingestion_jobs</c>: the queue of uploads, claimed by the replicas' workers under a lease. Every state change that
/// affects what search returns happens in one transaction together with the knowledge-version bump, so readers see
/// either the old or the new state, never a mix. Job rows are locked before the video row, in the order the workers'
/// claim and activation take them, so uploads, deletes and workers never deadlock.
/// </summary>
public sealed class IngestionJobRepository(NpgsqlDataSource dataSource, TimeProvider timeProvider)
{
    /// <summary>Postgres NOTIFY channel on which new jobs are announced.</summary>
    public const string IngestionChannel = "retrieval_ingestion";

    private const string Columns =
        "id AS Id, creator_id AS CreatorSlug, video_id AS VideoId, title AS Title, url AS Url, published_at AS PublishedAt, " +
        "format AS Format, status AS Status, progress AS Progress, error AS Error, attempts AS Attempts, cue_count AS CueCount, " +
        "chunk_count AS ChunkCount, requested_by AS RequestedBy, created_at AS CreatedAt, started_at AS StartedAt, " +
        "finished_at AS FinishedAt, updated_at AS UpdatedAt";

    /// <summary>Records a new job and makes it the video's latest; queued older jobs of the video are superseded.</summary>
    public async Task<IngestionJob> EnqueueAsync(NewIngestion ingestion, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await VideoRepository.LockAsync(connection, transaction, ingestion.CreatorSlug, ingestion.VideoId, cancellationToken);

        // Queued uploads of the same video that never started are pointless now.
        await FailVideoJobsAsync(
            connection, transaction, ingestion.CreatorSlug, ingestion.VideoId, [JobStatus.Queued], $"Superseded by a newer upload of this video (job {id}).", now, cancellationToken);

        var job = await connection.QuerySingleAsync<IngestionJob>(new CommandDefinition(
            $"""
            INSERT INTO ingestion_jobs (id, creator_id, video_id, title, url, published_at, format, transcript, status, progress,
                                        attempts, run_after, requested_by, created_at, updated_at)
            VALUES (@Id, @CreatorSlug, @VideoId, @Title, @Url, @PublishedAt, @Format, @Transcript, 'queued', 0, 0, @Now, @RequestedBy, @Now, @Now)
            RETURNING {Columns}
            """,
            new
            {
                Id = id, ingestion.CreatorSlug, ingestion.VideoId, ingestion.Title, ingestion.Url, ingestion.PublishedAt,
                ingestion.Format, ingestion.Transcript, ingestion.RequestedBy, Now = now,
            },
            transaction, cancellationToken: cancellationToken));
        await VideoRepository.QueueAsync(connection, transaction, ingestion, id, now, cancellationToken);

        // Wakes idle workers in every replica (delivered when this transaction commits).
        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT pg_notify(@Channel, @JobId)", new { Channel = IngestionChannel, JobId = id.ToString() }, transaction, cancellationToken: cancellationToken));

        await transaction.CommitAsync(cancellationToken);
        return job;
    }

    public async Task<IngestionJob?> FindJobAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<IngestionJob>(new CommandDefinition(
            $"SELECT {Columns} FROM ingestion_jobs WHERE id = @Id", new { Id = id }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Claims the oldest due job — a queued one, or a running one whose lease expired because its replica
    /// died — for <paramref name="leaseOwner"/>. Concurrent claimers skip each other's rows.
    /// </summary>
    public async Task<ClaimedJob?> ClaimNextAsync(string leaseOwner, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var claimed = (await connection.QueryAsync<(Guid Id, string? Transcript)>(new CommandDefinition(
            """
            WITH next AS (
                SELECT id FROM ingestion_jobs
                WHERE (status = 'queued' AND run_after <= @Now) OR (status = 'running' AND lease_expires_at < @Now)
                ORDER BY run_after, created_at
                LIMIT 1
                FOR UPDATE SKIP LOCKED
            )
            UPDATE ingestion_jobs j SET
                status = 'running', attempts = j.attempts + 1, lease_owner = @Owner, lease_expires_at = @LeaseUntil,
                started_at = COALESCE(j.started_at, @Now), updated_at = @Now
            FROM next WHERE j.id = next.id
            RETURNING j.id, j.transcript
            """,
            new { Now = now, Owner = leaseOwner, LeaseUntil = now + lease },
            transaction, cancellationToken: cancellationToken))).ToList();
        if (claimed is not [var (id, transcript)])
        {
            return null;
        }

        var job = await connection.QuerySingleAsync<IngestionJob>(new CommandDefinition(
            $"SELECT {Columns} FROM ingestion_jobs WHERE id = @Id", new { Id = id }, transaction, cancellationToken: cancellationToken));
        await VideoRepository.MarkAsync(connection, transaction, id, VideoStatus.Processing, null, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ClaimedJob(job, transcript ?? "", leaseOwner);
    }

    /// <summary>Renews the lease and records progress; false when the job is no longer this replica's (lease lost, video deleted).</summary>
    public async Task<bool> HeartbeatAsync(Guid jobId, string leaseOwner, float progress, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE ingestion_jobs SET lease_expires_at = @LeaseUntil, progress = GREATEST(progress, @Progress), updated_at = @Now
            WHERE id = @Id AND lease_owner = @Owner AND status = 'running'
            """,
            new { Id = jobId, Owner = leaseOwner, LeaseUntil = now + lease, Progress = Math.Clamp(progress, 0f, 1f), Now = now },
            cancellationToken: cancellationToken));
        return updated == 1;
    }

    /// <summary>
    /// Gives a job back (graceful shutdown, or the embedding space changed under it): queued again after
    /// <paramref name="delay"/> (at once by default), and the interrupted attempt does not count.
    /// </summary>
    public Task ReleaseAsync(Guid jobId, string leaseOwner, CancellationToken cancellationToken, TimeSpan delay = default) =>
        RequeueAsync(jobId, leaseOwner, error: null, countAttempt: false, delay, cancellationToken);

    /// <summary>A transient failure: the job runs again after <paramref name="delay"/>.</summary>
    public Task RetryLaterAsync(Guid jobId, string leaseOwner, string error, TimeSpan delay, CancellationToken cancellationToken) =>
        RequeueAsync(jobId, leaseOwner, error, countAttempt: true, delay, cancellationToken);

    /// <summary>A permanent failure: the job fails with <paramref name="error"/>, and whatever it wrote is cleaned up.</summary>
    public async Task<long?> FailAsync(Guid jobId, string? leaseOwner, string error, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var failed = await FailJobAsync(connection, transaction, jobId, leaseOwner, error, now, cancellationToken);
        long? cleanup = null;
        if (failed is var (creatorSlug, videoId))
        {
            await VideoRepository.MarkAsync(connection, transaction, jobId, VideoStatus.Failed, error, now, cancellationToken);
            cleanup = await VectorCleanupRepository.AddAsync(connection, transaction, creatorSlug, videoId, [jobId], now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return cleanup;
    }

    /// <summary>
    /// After this replica lost a job: if the job failed (its video was deleted or re-uploaded), queues the removal
    /// of whatever this replica wrote for it. True when it did.
    /// </summary>
    public async Task<bool> DiscardIfFailedAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var discarded = await VectorCleanupRepository.AddIfJobFailedAsync(connection, transaction, jobId, timeProvider.GetUtcNow(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return discarded;
    }

    /// <summary>
    /// Makes the job's chunks the video's searchable content, if the job is still this replica's and still
    /// the video's latest upload: one transaction switches the video to the new generation, bumps the
    /// creator's knowledge version and completes the job; the previous generation goes to the clean-up outbox.
    /// </summary>
    public async Task<ActivationResult> ActivateAsync(Guid jobId, string leaseOwner, int cueCount, int chunkCount, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var job = await connection.QuerySingleOrDefaultAsync<IngestionJob>(new CommandDefinition(
            $"SELECT {Columns} FROM ingestion_jobs WHERE id = @Id AND status = 'running' AND lease_owner = @Owner FOR UPDATE",
            new { Id = jobId, Owner = leaseOwner }, transaction, cancellationToken: cancellationToken));
        if (job is null)
        {
            // Failed meanwhile (video deleted, re-uploaded): what this replica wrote must go. Running elsewhere: the
            // other replica writes the same point ids and activates them; leave them alone.
            var discarded = await VectorCleanupRepository.AddIfJobFailedAsync(connection, transaction, jobId, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new ActivationResult(discarded ? ActivationOutcome.Superseded : ActivationOutcome.LeaseLost, null);
        }

        var video = await VideoRepository.LockRowAsync(connection, transaction, job.CreatorSlug, job.VideoId, cancellationToken);
        if (video is null || video.LatestJobId != jobId)
        {
            var reason = video is null ? "The video was deleted while it was being ingested." : $"Superseded by a newer upload of this video (job {video.LatestJobId}).";
            await FailJobAsync(connection, transaction, jobId, leaseOwner, reason, now, cancellationToken);
            await VectorCleanupRepository.AddAsync(connection, transaction, job.CreatorSlug, job.VideoId, [jobId], now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new ActivationResult(ActivationOutcome.Superseded, null);
        }

        // The active embedding space must hold the job's chunks (not so when a re-embedding switched spaces while the
        // job ran): else the job runs again.
        if (!await EmbeddingSpaceRepository.ActiveSpaceHoldsAsync(connection, transaction, jobId, cancellationToken))
        {
            await transaction.RollbackAsync(cancellationToken);
            return new ActivationResult(ActivationOutcome.NotWritten, null);
        }

        await VideoRepository.ActivateAsync(connection, transaction, job, chunkCount, now, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE ingestion_jobs SET status = 'succeeded', progress = 1, error = NULL, transcript = NULL, cue_count = @CueCount,
                                      chunk_count = @ChunkCount, lease_owner = NULL, lease_expires_at = NULL, finished_at = @Now, updated_at = @Now
            WHERE id = @Id
            """,
            new { Id = jobId, CueCount = cueCount, ChunkCount = chunkCount, Now = now }, transaction, cancellationToken: cancellationToken));

        if (video.ActiveGeneration is { } previous && previous != jobId)
        {
            await VectorCleanupRepository.AddAsync(connection, transaction, job.CreatorSlug, job.VideoId, [previous], now, cancellationToken);
        }

        var knowledge = await KnowledgeRepository.BumpAsync(connection, transaction, job.CreatorSlug, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ActivationResult(ActivationOutcome.Activated, knowledge);
    }

    /// <summary>Forgets finished jobs older than <paramref name="age"/>.</summary>
    public async Task<int> PruneFinishedJobsAsync(TimeSpan age, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM ingestion_jobs j WHERE finished_at < @Before
              AND NOT EXISTS (SELECT 1 FROM videos v WHERE v.latest_job_id = j.id OR v.active_generation = j.id)
            """,
            new { Before = timeProvider.GetUtcNow() - age }, cancellationToken: cancellationToken));
    }

    /// <summary>Fails one job still queued or running (only while <paramref name="leaseOwner"/> holds it, when given); the failed job's video, or null.</summary>
    internal static async Task<(string CreatorSlug, string VideoId)?> FailJobAsync(
        NpgsqlConnection connection, IDbTransaction transaction, Guid jobId, string? leaseOwner, string error, DateTimeOffset now, CancellationToken cancellationToken) =>
        (await FailWhereAsync(connection, transaction, jobId, leaseOwner, null, null, [JobStatus.Queued, JobStatus.Running], error, now, cancellationToken))
        is [var failed] ? failed : null;

    /// <summary>Fails a video's jobs that are in one of <paramref name="statuses"/>.</summary>
    internal static Task FailVideoJobsAsync(
        NpgsqlConnection connection, IDbTransaction transaction, string creatorSlug, string videoId, string[] statuses, string error, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        FailWhereAsync(connection, transaction, null, null, creatorSlug, videoId, statuses, error, now, cancellationToken);

    // The one "fail this job" update: the job ends with its reason, gives up its lease and drops its transcript.
    private static async Task<List<(string CreatorSlug, string VideoId)>> FailWhereAsync(
        NpgsqlConnection connection, IDbTransaction transaction, Guid? jobId, string? leaseOwner, string? creatorSlug, string? videoId, string[] statuses,
        string error, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Neither a job nor a video would match every pending job of every creator.
        if (jobId is null && creatorSlug is null)
        {
            throw new ArgumentException("Fail a job by its id or a video's jobs by creator and video, never all jobs.");
        }

        return (await connection.QueryAsync<(string CreatorSlug, string VideoId)>(new CommandDefinition(
            """
            UPDATE ingestion_jobs SET status = 'failed', error = @Error, transcript = NULL, lease_owner = NULL, lease_expires_at = NULL,
                                      finished_at = @Now, updated_at = @Now
            WHERE status = ANY(@Statuses)
              AND (@Id::uuid IS NULL OR id = @Id)
              AND (@Owner::text IS NULL OR lease_owner = @Owner)
              AND (@CreatorSlug::text IS NULL OR (creator_id = @CreatorSlug AND video_id = @VideoId))
            RETURNING creator_id, video_id
            """,
            new { Id = jobId, Owner = leaseOwner, CreatorSlug = creatorSlug, VideoId = videoId, Statuses = statuses, Error = error, Now = now },
            transaction, cancellationToken: cancellationToken))).AsList();
    }

    private async Task RequeueAsync(Guid jobId, string leaseOwner, string? error, bool countAttempt, TimeSpan delay, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var requeued = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE ingestion_jobs SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL, run_after = @RunAfter, updated_at = @Now,
                                      error = CASE WHEN @CountAttempt THEN @Error ELSE error END,
                                      attempts = CASE WHEN @CountAttempt THEN attempts ELSE GREATEST(attempts - 1, 0) END
            WHERE id = @Id AND lease_owner = @Owner AND status = 'running'
            """,
            new { Id = jobId, Owner = leaseOwner, Error = error, CountAttempt = countAttempt, RunAfter = now + delay, Now = now },
            transaction, cancellationToken: cancellationToken));
        if (requeued == 1)
        {
            await VideoRepository.MarkAsync(connection, transaction, jobId, VideoStatus.Queued, null, now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
