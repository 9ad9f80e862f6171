using System.Data;
using CreatorChat.Retrieval.Model;
using Dapper;
using Npgsql;

namespace CreatorChat.Retrieval.Infrastructure.Data;

/// <summary>
/// <c>videos</c>: a creator's videos, each with the generation search may return (its active one). Statements that other
/// tables' transactions need on a video (lock it, queue it, mark it, switch its generation) are here, taking that transaction.
/// </summary>
public sealed class VideoRepository(NpgsqlDataSource dataSource, TimeProvider timeProvider)
{
    internal const string Columns =
        "creator_id AS CreatorSlug, video_id AS VideoId, title AS Title, url AS Url, published_at AS PublishedAt, chunk_count AS ChunkCount, " +
        "status AS Status, error AS Error, latest_job_id AS LatestJobId, active_generation AS ActiveGeneration, created_at AS CreatedAt, updated_at AS UpdatedAt";

    public async Task<IReadOnlyList<Video>> ListVideosAsync(string creatorSlug, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Video>(new CommandDefinition(
            $"SELECT {Columns} FROM videos WHERE creator_id = @CreatorSlug ORDER BY published_at DESC NULLS LAST, created_at DESC, video_id",
            new { CreatorSlug = creatorSlug }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<Video?> FindVideoAsync(string creatorSlug, string videoId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Video>(new CommandDefinition(
            $"SELECT {Columns} FROM videos WHERE creator_id = @CreatorSlug AND video_id = @VideoId",
            new { CreatorSlug = creatorSlug, VideoId = videoId }, cancellationToken: cancellationToken));
    }

    /// <summary>The generations search may return for a creator: one per video that has searchable content.</summary>
    public async Task<IReadOnlyList<Guid>> ActiveGenerationsAsync(string creatorSlug, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Guid>(new CommandDefinition(
            "SELECT active_generation FROM videos WHERE creator_id = @CreatorSlug AND active_generation IS NOT NULL",
            new { CreatorSlug = creatorSlug }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>
    /// Deletes a video: it leaves search in this transaction (no active generation any more), its pending jobs
    /// fail, and every generation it may have written goes to the clean-up outbox. Null when there was no such video.
    /// </summary>
    public async Task<(KnowledgeState Knowledge, long CleanupId)?> DeleteVideoAsync(string creatorSlug, string videoId, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, transaction, creatorSlug, videoId, cancellationToken);

        // Jobs before the video row: the lock order of claim and activation (see IngestionJobRepository.EnqueueAsync).
        await IngestionJobRepository.FailVideoJobsAsync(
            connection, transaction, creatorSlug, videoId, [JobStatus.Queued, JobStatus.Running], "The video was deleted.", now, cancellationToken);
        var deleted = await connection.QuerySingleOrDefaultAsync<Video>(new CommandDefinition(
            $"DELETE FROM videos WHERE creator_id = @CreatorSlug AND video_id = @VideoId RETURNING {Columns}",
            new { CreatorSlug = creatorSlug, VideoId = videoId }, transaction, cancellationToken: cancellationToken));
        if (deleted is null)
        {
            await transaction.RollbackAsync(cancellationToken);
            return null;
        }

        // Exactly the generations this video can have written: a blanket "all of the video" could remove the
        // chunks of an upload of the same video id that starts right after this delete.
        var generations = (await connection.QueryAsync<Guid>(new CommandDefinition(
            "SELECT id FROM ingestion_jobs WHERE creator_id = @CreatorSlug AND video_id = @VideoId",
            new { CreatorSlug = creatorSlug, VideoId = videoId }, transaction, cancellationToken: cancellationToken))).ToHashSet();
        if (deleted.ActiveGeneration is { } active)
        {
            generations.Add(active);
        }

        var cleanup = await VectorCleanupRepository.AddAsync(connection, transaction, creatorSlug, videoId, generations.ToArray(), now, cancellationToken);
        var knowledge = await KnowledgeRepository.BumpAsync(connection, transaction, creatorSlug, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (knowledge, cleanup);
    }

    /// <summary>
    /// Serialises the writers of one video (uploads and deletes) for the rest of the transaction: concurrent
    /// re-posts of a video id queue here instead of locking each other's job rows in arbitrary order.
    /// </summary>
    internal static Task LockAsync(
        NpgsqlConnection connection, IDbTransaction transaction, string creatorSlug, string videoId, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "SELECT pg_advisory_xact_lock(hashtextextended(@CreatorSlug || E'\\n' || @VideoId, 0))",
            new { CreatorSlug = creatorSlug, VideoId = videoId }, transaction, cancellationToken: cancellationToken));

    /// <summary>Makes <paramref name="jobId"/> the video's latest upload (creating the video on its first one); it waits in the queue.</summary>
    internal static Task QueueAsync(
        NpgsqlConnection connection, IDbTransaction transaction, NewIngestion ingestion, Guid jobId, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO videos (creator_id, video_id, title, url, published_at, chunk_count, status, latest_job_id, created_at, updated_at)
            VALUES (@CreatorSlug, @VideoId, @Title, @Url, @PublishedAt, 0, 'queued', @JobId, @Now, @Now)
            ON CONFLICT (creator_id, video_id) DO UPDATE SET
                latest_job_id = excluded.latest_job_id, status = 'queued', error = NULL, updated_at = excluded.updated_at
            """,
            new { ingestion.CreatorSlug, ingestion.VideoId, ingestion.Title, ingestion.Url, ingestion.PublishedAt, JobId = jobId, Now = now },
            transaction, cancellationToken: cancellationToken));

    /// <summary>Sets the status of the video whose latest upload is <paramref name="jobId"/> (older jobs no longer speak for it).</summary>
    internal static Task MarkAsync(
        NpgsqlConnection connection, IDbTransaction transaction, Guid jobId, string status, string? error, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE videos v SET status = @Status, error = @Error, updated_at = @Now
            FROM ingestion_jobs j
            WHERE j.id = @JobId AND v.creator_id = j.creator_id AND v.video_id = j.video_id AND v.latest_job_id = j.id
            """,
            new { JobId = jobId, Status = status, Error = error, Now = now }, transaction, cancellationToken: cancellationToken));

    /// <summary>The video locked for the rest of the transaction, or null when it was deleted.</summary>
    internal static Task<Video?> LockRowAsync(
        NpgsqlConnection connection, IDbTransaction transaction, string creatorSlug, string videoId, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<Video>(new CommandDefinition(
            $"SELECT {Columns} FROM videos WHERE creator_id = @CreatorSlug AND video_id = @VideoId FOR UPDATE",
            new { CreatorSlug = creatorSlug, VideoId = videoId }, transaction, cancellationToken: cancellationToken));

    /// <summary>Makes the job's generation what search returns of the video, with the job's title, URL and date.</summary>
    internal static Task ActivateAsync(
        NpgsqlConnection connection, IDbTransaction transaction, IngestionJob job, int chunkCount, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE videos SET active_generation = @JobId, chunk_count = @ChunkCount, status = 'ready', error = NULL,
                              title = @Title, url = @Url, published_at = @PublishedAt, updated_at = @Now
            WHERE creator_id = @CreatorSlug AND video_id = @VideoId
            """,
            new { JobId = job.Id, ChunkCount = chunkCount, job.Title, job.Url, job.PublishedAt, Now = now, job.CreatorSlug, job.VideoId },
            transaction, cancellationToken: cancellationToken));
}
