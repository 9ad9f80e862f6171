using System.Data;
using CreatorChat.Retrieval.Model;
using Dapper;
using Npgsql;

namespace CreatorChat.Retrieval.Infrastructure.Data;

/// <summary>
/// <c>vector_cleanups</c>: the outbox of vector-store deletions (old generations, deleted videos, failed jobs' partial
/// writes), added in the transaction that makes them due and retried until the store confirms.
/// </summary>
public sealed class VectorCleanupRepository(NpgsqlDataSource dataSource, TimeProvider timeProvider)
{
    /// <summary>Claims due clean-ups for a minute (another replica takes them over if this one dies).</summary>
    public async Task<IReadOnlyList<VectorCleanup>> ClaimDueAsync(int limit, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<VectorCleanup>(new CommandDefinition(
            """
            WITH due AS (
                SELECT id FROM vector_cleanups WHERE run_after <= @Now ORDER BY run_after LIMIT @Limit FOR UPDATE SKIP LOCKED
            )
            UPDATE vector_cleanups c SET run_after = @Lease, attempts = c.attempts + 1
            FROM due WHERE c.id = due.id
            RETURNING c.id AS Id, c.creator_id AS CreatorSlug, c.video_id AS VideoId, c.generations AS Generations, c.attempts AS Attempts
            """,
            new { Now = now, Lease = now + TimeSpan.FromMinutes(1), Limit = limit }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<VectorCleanup?> ClaimAsync(long id, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<VectorCleanup>(new CommandDefinition(
            """
            UPDATE vector_cleanups SET run_after = @Lease, attempts = attempts + 1
            WHERE id = (SELECT id FROM vector_cleanups WHERE id = @Id FOR UPDATE SKIP LOCKED)
            RETURNING id AS Id, creator_id AS CreatorSlug, video_id AS VideoId, generations AS Generations, attempts AS Attempts
            """,
            new { Id = id, Lease = now + TimeSpan.FromMinutes(1) }, cancellationToken: cancellationToken));
    }

    /// <summary>The clean-up is done: its row goes, and so does the record of which spaces held those generations.</summary>
    public async Task CompleteAsync(long id, CancellationToken cancellationToken)
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

    public async Task RetryAsync(long id, string error, TimeSpan delay, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE vector_cleanups SET last_error = @Error, run_after = @RunAfter WHERE id = @Id",
            new { Id = id, Error = error, RunAfter = timeProvider.GetUtcNow() + delay }, cancellationToken: cancellationToken));
    }

    /// <summary>Queues the removal of a video's chunks of <paramref name="generations"/> (every generation when null).</summary>
    internal static Task<long> AddAsync(
        NpgsqlConnection connection, IDbTransaction transaction, string creatorSlug, string videoId, Guid[]? generations, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        connection.QuerySingleAsync<long>(new CommandDefinition(
            """
            INSERT INTO vector_cleanups (creator_id, video_id, generations, attempts, run_after, created_at)
            VALUES (@CreatorSlug, @VideoId, @Generations, 0, @Now, @Now) RETURNING id
            """,
            new { CreatorSlug = creatorSlug, VideoId = videoId, Generations = generations, Now = now }, transaction, cancellationToken: cancellationToken));

    /// <summary>Queues the removal of what the job wrote when the job has failed; true when it had.</summary>
    internal static async Task<bool> AddIfJobFailedAsync(
        NpgsqlConnection connection, IDbTransaction transaction, Guid jobId, DateTimeOffset now, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO vector_cleanups (creator_id, video_id, generations, attempts, run_after, created_at)
            SELECT creator_id, video_id, ARRAY[id], 0, @Now, @Now FROM ingestion_jobs WHERE id = @Id AND status = 'failed'
            """,
            new { Id = jobId, Now = now }, transaction, cancellationToken: cancellationToken)) > 0;
}
