using System.Data;
using CreatorChat.Retrieval.Model;
using Dapper;
using Npgsql;

namespace CreatorChat.Retrieval.Infrastructure.Data;

/// <summary>
/// Videos, ingestion jobs, knowledge versions and the vector clean-up outbox in <c>retrievaldb</c>.
/// Every state change that affects what search returns happens in one transaction together with
/// the knowledge-version bump, so readers see either the old or the new state, never a mix.
/// </summary>
public sealed class KnowledgeRepository(NpgsqlDataSource dataSource, TimeProvider timeProvider)
{
    /// <summary>Postgres NOTIFY channel on which new jobs are announced.</summary>
    public const string IngestionChannel = "retrieval_ingestion";

    private const string JobColumns =
        "id AS Id, creator_id AS CreatorId, video_id AS VideoId, title AS Title, url AS Url, published_at AS PublishedAt, " +
        "format AS Format, status AS Status, progress AS Progress, error AS Error, attempts AS Attempts, cue_count AS CueCount, " +
        "chunk_count AS ChunkCount, requested_by AS RequestedBy, created_at AS CreatedAt, started_at AS StartedAt, " +
        "finished_at AS FinishedAt, updated_at AS UpdatedAt";

    private const string VideoColumns =
        "creator_id AS CreatorId, video_id AS VideoId, title AS Title, url AS Url, published_at AS PublishedAt, chunk_count AS ChunkCount, " +
        "status AS Status, error AS Error, latest_job_id AS LatestJobId, active_generation AS ActiveGeneration, created_at AS CreatedAt, updated_at AS UpdatedAt";

    /// <summary>Records a new job and makes it the video's latest; queued older jobs of the video are superseded.</summary>
    public async Task<IngestionJob> EnqueueAsync(NewIngestion ingestion, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockVideoAsync(connection, transaction, ingestion.CreatorId, ingestion.VideoId, cancellationToken);

        // Queued uploads of the same video that never started are pointless now. Job rows are locked before
        // the video row, in the order the workers' claim and activation take them, so the two never deadlock.
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE ingestion_jobs SET status = 'failed', error = @Error, transcript = NULL, finished_at = @Now, updated_at = @Now
            WHERE creator_id = @CreatorId AND video_id = @VideoId AND status = 'queued'
            """,
            new { ingestion.CreatorId, ingestion.VideoId, Now = now, Error = $"Superseded by a newer upload of this video (job {id})." },
            transaction, cancellationToken: cancellationToken));

        var job = await connection.QuerySingleAsync<IngestionJob>(new CommandDefinition(
            $"""
            INSERT INTO ingestion_jobs (id, creator_id, video_id, title, url, published_at, format, transcript, status, progress,
                                        attempts, run_after, requested_by, created_at, updated_at)
            VALUES (@Id, @CreatorId, @VideoId, @Title, @Url, @PublishedAt, @Format, @Transcript, 'queued', 0, 0, @Now, @RequestedBy, @Now, @Now)
            RETURNING {JobColumns}
            """,
            new
            {
                Id = id, ingestion.CreatorId, ingestion.VideoId, ingestion.Title, ingestion.Url, ingestion.PublishedAt,
                ingestion.Format, ingestion.Transcript, ingestion.RequestedBy, Now = now,
            },
            transaction, cancellationToken: cancellationToken));

        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO videos (creator_id, video_id, title, url, published_at, chunk_count, status, latest_job_id, created_at, updated_at)
            VALUES (@CreatorId, @VideoId, @Title, @Url, @PublishedAt, 0, 'queued', @JobId, @Now, @Now)
            ON CONFLICT (creator_id, video_id) DO UPDATE SET
                latest_job_id = excluded.latest_job_id, status = 'queued', error = NULL, updated_at = excluded.updated_at
            """,
            new { ingestion.CreatorId, ingestion.VideoId, ingestion.Title, ingestion.Url, ingestion.PublishedAt, JobId = id, Now = now },
            transaction, cancellationToken: cancellationToken));

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
            $"SELECT {JobColumns} FROM ingestion_jobs WHERE id = @Id", new { Id = id }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<Video>> ListVideosAsync(string creatorId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Video>(new CommandDefinition(
            $"SELECT {VideoColumns} FROM videos WHERE creator_id = @CreatorId ORDER BY published_at DESC NULLS LAST, created_at DESC, video_id",
            new { CreatorId = creatorId }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<Video?> FindVideoAsync(string creatorId, string videoId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Video>(new CommandDefinition(
            $"SELECT {VideoColumns} FROM videos WHERE creator_id = @CreatorId AND video_id = @VideoId",
            new { CreatorId = creatorId, VideoId = videoId }, cancellationToken: cancellationToken));
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
        var claimed = await connection.QuerySingleOrDefaultAsync<ClaimRow>(new CommandDefinition(
            $"""
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
            RETURNING j.id AS Id, j.transcript AS Transcript
            """,
            new { Now = now, Owner = leaseOwner, LeaseUntil = now + lease },
            transaction, cancellationToken: cancellationToken));

        if (claimed is null)
        {
            return null;
        }

        var job = await connection.QuerySingleAsync<IngestionJob>(new CommandDefinition(
            $"SELECT {JobColumns} FROM ingestion_jobs WHERE id = @Id", new { claimed.Id }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE videos SET status = 'processing', updated_at = @Now WHERE creator_id = @CreatorId AND video_id = @VideoId AND latest_job_id = @Id",
            new { Now = now, job.CreatorId, job.VideoId, job.Id }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return new ClaimedJob(job, claimed.Transcript ?? "", leaseOwner);
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
    public async Task ReleaseAsync(Guid jobId, string leaseOwner, CancellationToken cancellationToken, TimeSpan delay = default)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var released = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE ingestion_jobs SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL, attempts = GREATEST(attempts - 1, 0),
                                      run_after = @RunAfter, updated_at = @Now
            WHERE id = @Id AND lease_owner = @Owner AND status = 'running'
            """,
            new { Id = jobId, Owner = leaseOwner, Now = now, RunAfter = now + delay }, transaction, cancellationToken: cancellationToken));
        if (released == 1)
        {
            await MarkVideoAsync(connection, transaction, jobId, VideoStatus.Queued, null, now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>A transient failure: the job runs again after <paramref name="delay"/>.</summary>
    public async Task RetryLaterAsync(Guid jobId, string leaseOwner, string error, TimeSpan delay, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE ingestion_jobs SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL, error = @Error,
                                      run_after = @RunAfter, updated_at = @Now
            WHERE id = @Id AND lease_owner = @Owner AND status = 'running'
            """,
            new { Id = jobId, Owner = leaseOwner, Error = error, RunAfter = now + delay, Now = now }, transaction, cancellationToken: cancellationToken));
        if (updated == 1)
        {
            await MarkVideoAsync(connection, transaction, jobId, VideoStatus.Queued, null, now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>A permanent failure: the job fails with <paramref name="error"/>, and whatever it wrote is cleaned up.</summary>
    public async Task<long?> FailAsync(Guid jobId, string? leaseOwner, string error, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var job = await connection.QuerySingleOrDefaultAsync<VideoKey>(new CommandDefinition(
            """
            UPDATE ingestion_jobs SET status = 'failed', error = @Error, transcript = NULL, lease_owner = NULL, lease_expires_at = NULL,
                                      finished_at = @Now, updated_at = @Now
            WHERE id = @Id AND status IN ('queued', 'running') AND (@Owner::text IS NULL OR lease_owner = @Owner)
            RETURNING creator_id AS CreatorId, video_id AS VideoId
            """,
            new { Id = jobId, Owner = leaseOwner, Error = error, Now = now }, transaction, cancellationToken: cancellationToken));
        long? cleanup = null;
        if (job is { } failed)
        {
            await MarkVideoAsync(connection, transaction, jobId, VideoStatus.Failed, error, now, cancellationToken);
            cleanup = await AddCleanupAsync(connection, transaction, failed.CreatorId, failed.VideoId, [jobId], now, cancellationToken);
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
        var discarded = await AddCleanupIfFailedAsync(connection, transaction, jobId, timeProvider.GetUtcNow(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return discarded;
    }

    private static async Task<bool> AddCleanupIfFailedAsync(
        NpgsqlConnection connection, IDbTransaction transaction, Guid jobId, DateTimeOffset now, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO vector_cleanups (creator_id, video_id, generations, attempts, run_after, created_at)
            SELECT creator_id, video_id, ARRAY[id], 0, @Now, @Now FROM ingestion_jobs WHERE id = @Id AND status = 'failed'
            """,
            new { Id = jobId, Now = now }, transaction, cancellationToken: cancellationToken)) > 0;

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
            $"SELECT {JobColumns} FROM ingestion_jobs WHERE id = @Id AND status = 'running' AND lease_owner = @Owner FOR UPDATE",
            new { Id = jobId, Owner = leaseOwner }, transaction, cancellationToken: cancellationToken));
        if (job is null)
        {
            // Failed meanwhile (video deleted, re-uploaded): what this replica wrote must go. Running elsewhere: the
            // other replica writes the same point ids and activates them; leave them alone.
            var discarded = await AddCleanupIfFailedAsync(connection, transaction, jobId, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new ActivationResult(discarded ? ActivationOutcome.Superseded : ActivationOutcome.LeaseLost, null);
        }

        var video = await connection.QuerySingleOrDefaultAsync<Video>(new CommandDefinition(
            $"SELECT {VideoColumns} FROM videos WHERE creator_id = @CreatorId AND video_id = @VideoId FOR UPDATE",
            new { job.CreatorId, job.VideoId }, transaction, cancellationToken: cancellationToken));
        if (video is null || video.LatestJobId != jobId)
        {
            var reason = video is null ? "The video was deleted while it was being ingested." : $"Superseded by a newer upload of this video (job {video.LatestJobId}).";
            await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE ingestion_jobs SET status = 'failed', error = @Error, transcript = NULL, lease_owner = NULL, lease_expires_at = NULL,
                                          finished_at = @Now, updated_at = @Now
                WHERE id = @Id
                """,
                new { Id = jobId, Error = reason, Now = now }, transaction, cancellationToken: cancellationToken));
            await AddCleanupAsync(connection, transaction, job.CreatorId, job.VideoId, [jobId], now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new ActivationResult(ActivationOutcome.Superseded, null);
        }

        // The active embedding space must hold the job's chunks (not so when a re-embedding switched spaces while the
        // job ran): else the job runs again. The shared lock keeps a switch from happening until this commits.
        var spaces = (await connection.QueryAsync<(long Id, string State)>(new CommandDefinition(
            "SELECT id, state FROM embedding_spaces WHERE state IN ('active', 'building') FOR SHARE",
            transaction: transaction, cancellationToken: cancellationToken))).AsList();
        if (spaces.Where(s => s.State == SpaceStates.Active).Select(s => (long?)s.Id).SingleOrDefault() is not { } activeSpace ||
            !await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                "SELECT EXISTS (SELECT 1 FROM space_generations WHERE space_id = @Space AND generation = @JobId)",
                new { Space = activeSpace, JobId = jobId }, transaction, cancellationToken: cancellationToken)))
        {
            await transaction.RollbackAsync(cancellationToken);
            return new ActivationResult(ActivationOutcome.NotWritten, null);
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE videos SET active_generation = @JobId, chunk_count = @ChunkCount, status = 'ready', error = NULL,
                              title = @Title, url = @Url, published_at = @PublishedAt, updated_at = @Now
            WHERE creator_id = @CreatorId AND video_id = @VideoId
            """,
            new { JobId = jobId, ChunkCount = chunkCount, job.Title, job.Url, job.PublishedAt, Now = now, job.CreatorId, job.VideoId },
            transaction, cancellationToken: cancellationToken));

        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE ingestion_jobs SET status = 'succeeded', progress = 1, error = NULL, transcript = NULL, cue_count = @CueCount,
                                      chunk_count = @ChunkCount, lease_owner = NULL, lease_expires_at = NULL, finished_at = @Now, updated_at = @Now
            WHERE id = @Id
            """,
            new { Id = jobId, CueCount = cueCount, ChunkCount = chunkCount, Now = now }, transaction, cancellationToken: cancellationToken));

        if (video.ActiveGeneration is { } previous && previous != jobId)
        {
            await AddCleanupAsync(connection, transaction, job.CreatorId, job.VideoId, [previous], now, cancellationToken);
        }

        var knowledge = await BumpKnowledgeAsync(connection, transaction, job.CreatorId, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ActivationResult(ActivationOutcome.Activated, knowledge);
    }

    /// <summary>
    /// Deletes a video: it leaves search in this transaction (no active generation any more), its pending jobs
    /// fail, and every generation it may have written goes to the clean-up outbox. Null when there was no such video.
    /// </summary>
    public async Task<(KnowledgeState Knowledge, long CleanupId)?> DeleteVideoAsync(string creatorId, string videoId, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockVideoAsync(connection, transaction, creatorId, videoId, cancellationToken);

        // Jobs before the video row: the lock order of claim and activation (see EnqueueAsync).
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE ingestion_jobs SET status = 'failed', error = 'The video was deleted.', transcript = NULL, lease_owner = NULL,
                                      lease_expires_at = NULL, finished_at = @Now, updated_at = @Now
            WHERE creator_id = @CreatorId AND video_id = @VideoId AND status IN ('queued', 'running')
            """,
            new { CreatorId = creatorId, VideoId = videoId, Now = now }, transaction, cancellationToken: cancellationToken));
        var deleted = await connection.QuerySingleOrDefaultAsync<Video>(new CommandDefinition(
            $"DELETE FROM videos WHERE creator_id = @CreatorId AND video_id = @VideoId RETURNING {VideoColumns}",
            new { CreatorId = creatorId, VideoId = videoId }, transaction, cancellationToken: cancellationToken));
        if (deleted is null)
        {
            await transaction.RollbackAsync(cancellationToken);
            return null;
        }

        // Exactly the generations this video can have written: a blanket "all of the video" could remove the
        // chunks of an upload of the same video id that starts right after this delete.
        var generations = (await connection.QueryAsync<Guid>(new CommandDefinition(
            "SELECT id FROM ingestion_jobs WHERE creator_id = @CreatorId AND video_id = @VideoId",
            new { CreatorId = creatorId, VideoId = videoId }, transaction, cancellationToken: cancellationToken))).ToHashSet();
        if (deleted.ActiveGeneration is { } active)
        {
            generations.Add(active);
        }

        var cleanup = await AddCleanupAsync(connection, transaction, creatorId, videoId, generations.ToArray(), now, cancellationToken);
        var knowledge = await BumpKnowledgeAsync(connection, transaction, creatorId, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (knowledge, cleanup);
    }

    /// <summary>The generations search may return for a creator: one per video that has searchable content.</summary>
    public async Task<IReadOnlyList<Guid>> ActiveGenerationsAsync(string creatorId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Guid>(new CommandDefinition(
            "SELECT active_generation FROM videos WHERE creator_id = @CreatorId AND active_generation IS NOT NULL",
            new { CreatorId = creatorId }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<KnowledgeState> GetKnowledgeAsync(string creatorId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<KnowledgeRow>(new CommandDefinition(
            "SELECT creator_id AS CreatorId, version AS Version, video_count AS VideoCount, chunk_count AS ChunkCount FROM creator_knowledge WHERE creator_id = @CreatorId",
            new { CreatorId = creatorId }, cancellationToken: cancellationToken));
        return row?.ToState() ?? KnowledgeState.Empty(creatorId);
    }

    /// <summary>Searchable video counts of the given creators (all creators with videos when null).</summary>
    public async Task<IReadOnlyList<KnowledgeState>> ListKnowledgeAsync(IReadOnlyCollection<string>? creatorIds, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<KnowledgeRow>(new CommandDefinition(
            """
            SELECT creator_id AS CreatorId, version AS Version, video_count AS VideoCount, chunk_count AS ChunkCount FROM creator_knowledge
            WHERE @CreatorIds::text[] IS NULL OR creator_id = ANY(@CreatorIds)
            ORDER BY creator_id
            """,
            new { CreatorIds = creatorIds?.ToArray() }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToState()).ToList();
    }

    /// <summary>Knowledge states whose counts the creator service has not been told about yet.</summary>
    public async Task<IReadOnlyList<KnowledgeState>> UnreportedKnowledgeAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<KnowledgeRow>(new CommandDefinition(
            """
            SELECT creator_id AS CreatorId, version AS Version, video_count AS VideoCount, chunk_count AS ChunkCount FROM creator_knowledge
            WHERE reported_version < version ORDER BY updated_at LIMIT @Limit
            """,
            new { Limit = limit }, cancellationToken: cancellationToken));
        return rows.Select(r => r.ToState()).ToList();
    }

    public async Task MarkReportedAsync(string creatorId, long version, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE creator_knowledge SET reported_version = @Version WHERE creator_id = @CreatorId AND reported_version < @Version",
            new { CreatorId = creatorId, Version = version }, cancellationToken: cancellationToken));
    }

    /// <summary>Claims due clean-ups for a minute (another replica takes them over if this one dies).</summary>
    public async Task<IReadOnlyList<VectorCleanup>> ClaimCleanupsAsync(int limit, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<CleanupRow>(new CommandDefinition(
            """
            WITH due AS (
                SELECT id FROM vector_cleanups WHERE run_after <= @Now ORDER BY run_after LIMIT @Limit FOR UPDATE SKIP LOCKED
            )
            UPDATE vector_cleanups c SET run_after = @Lease, attempts = c.attempts + 1
            FROM due WHERE c.id = due.id
            RETURNING c.id AS Id, c.creator_id AS CreatorId, c.video_id AS VideoId, c.generations AS Generations, c.attempts AS Attempts
            """,
            new { Now = now, Lease = now + TimeSpan.FromMinutes(1), Limit = limit }, cancellationToken: cancellationToken));
        return rows.Select(r => new VectorCleanup(r.Id, r.CreatorId, r.VideoId, r.Generations, r.Attempts)).ToList();
    }

    public async Task<VectorCleanup?> ClaimCleanupAsync(long id, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<CleanupRow>(new CommandDefinition(
            """
            UPDATE vector_cleanups SET run_after = @Lease, attempts = attempts + 1
            WHERE id = (SELECT id FROM vector_cleanups WHERE id = @Id FOR UPDATE SKIP LOCKED)
            RETURNING id AS Id, creator_id AS CreatorId, video_id AS VideoId, generations AS Generations, attempts AS Attempts
            """,
            new { Id = id, Lease = now + TimeSpan.FromMinutes(1) }, cancellationToken: cancellationToken));
        return row is null ? null : new VectorCleanup(row.Id, row.CreatorId, row.VideoId, row.Generations, row.Attempts);
    }

    /// <summary>The clean-up is done: its row goes, and so does the record of which spaces held those generations.</summary>
    public async Task CompleteCleanupAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            WITH done AS (DELETE FROM vector_cleanups WHERE id = @Id RETURNING creator_id, video_id, generations)
            DELETE FROM space_generations s USING done
            WHERE s.creator_id = done.creator_id AND s.video_id = done.video_id AND (done.generations IS NULL OR s.generation = ANY(done.generations))
              AND NOT EXISTS (SELECT 1 FROM videos v WHERE v.creator_id = s.creator_id AND v.video_id = s.video_id AND v.active_generation = s.generation)
            """, new { Id = id }, cancellationToken: cancellationToken));
    }

    public async Task RetryCleanupAsync(long id, string error, TimeSpan delay, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE vector_cleanups SET last_error = @Error, run_after = @RunAfter WHERE id = @Id",
            new { Id = id, Error = error, RunAfter = timeProvider.GetUtcNow() + delay }, cancellationToken: cancellationToken));
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

    /// <summary>
    /// Bumps a creator's knowledge version and recounts its searchable videos. The creator's row is locked
    /// first and counted by a later statement: under read committed, a count taken in the same statement as
    /// the lock would miss another replica's activation committed while this one waited (two concurrent
    /// activations then stored 7 videos for 8).
    /// </summary>
    /// <summary>
    /// Serialises the writers of one video (uploads and deletes) for the rest of the transaction: concurrent
    /// re-posts of a video id queue here instead of locking each other's job rows in arbitrary order.
    /// </summary>
    private static Task LockVideoAsync(
        NpgsqlConnection connection, IDbTransaction transaction, string creatorId, string videoId, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "SELECT pg_advisory_xact_lock(hashtextextended(@CreatorId || E'\\n' || @VideoId, 0))",
            new { CreatorId = creatorId, VideoId = videoId }, transaction, cancellationToken: cancellationToken));

    private static async Task<KnowledgeState> BumpKnowledgeAsync(
        NpgsqlConnection connection, IDbTransaction transaction, string creatorId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO creator_knowledge (creator_id, version, video_count, chunk_count, reported_version, updated_at)
            VALUES (@CreatorId, 0, 0, 0, 0, @Now) ON CONFLICT (creator_id) DO NOTHING
            """,
            new { CreatorId = creatorId, Now = now }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT 1 FROM creator_knowledge WHERE creator_id = @CreatorId FOR UPDATE",
            new { CreatorId = creatorId }, transaction, cancellationToken: cancellationToken));

        var row = await connection.QuerySingleAsync<KnowledgeRow>(new CommandDefinition(
            """
            UPDATE creator_knowledge k SET
                version = k.version + 1, video_count = counts.videos, chunk_count = counts.chunks, updated_at = @Now
            FROM (
                SELECT count(*)::int AS videos, COALESCE(sum(chunk_count), 0)::int AS chunks
                FROM videos WHERE creator_id = @CreatorId AND active_generation IS NOT NULL
            ) counts
            WHERE k.creator_id = @CreatorId
            RETURNING k.creator_id AS CreatorId, k.version AS Version, k.video_count AS VideoCount, k.chunk_count AS ChunkCount
            """,
            new { CreatorId = creatorId, Now = now }, transaction, cancellationToken: cancellationToken));
        return row.ToState();
    }

    private static Task MarkVideoAsync(
        NpgsqlConnection connection, IDbTransaction transaction, Guid jobId, string status, string? error, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE videos v SET status = @Status, error = @Error, updated_at = @Now
            FROM ingestion_jobs j
            WHERE j.id = @JobId AND v.creator_id = j.creator_id AND v.video_id = j.video_id AND v.latest_job_id = j.id
            """,
            new { JobId = jobId, Status = status, Error = error, Now = now }, transaction, cancellationToken: cancellationToken));

    private static Task<long> AddCleanupAsync(
        NpgsqlConnection connection, IDbTransaction transaction, string creatorId, string videoId, Guid[]? generations, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        connection.QuerySingleAsync<long>(new CommandDefinition(
            """
            INSERT INTO vector_cleanups (creator_id, video_id, generations, attempts, run_after, created_at)
            VALUES (@CreatorId, @VideoId, @Generations, 0, @Now, @Now) RETURNING id
            """,
            new { CreatorId = creatorId, VideoId = videoId, Generations = generations, Now = now }, transaction, cancellationToken: cancellationToken));

    private sealed record VideoKey
    {
        public required string CreatorId { get; init; }
        public required string VideoId { get; init; }
    }

    private sealed record KnowledgeRow
    {
        public required string CreatorId { get; init; }
        public long Version { get; init; }
        public int VideoCount { get; init; }
        public int ChunkCount { get; init; }

        public KnowledgeState ToState() => new(CreatorId, Version, VideoCount, ChunkCount);
    }

    private sealed record CleanupRow
    {
        public long Id { get; init; }
        public required string CreatorId { get; init; }
        public required string VideoId { get; init; }
        public Guid[]? Generations { get; init; }
        public int Attempts { get; init; }
    }

    private sealed record ClaimRow
    {
        public Guid Id { get; init; }
        public string? Transcript { get; init; }
    }
}
