using System.Data;
using CreatorChat.Retrieval.Model;
using Dapper;
using Npgsql;

namespace CreatorChat.Retrieval.Infrastructure.Data;

/// <summary>
/// <c>embedding_spaces</c> and <c>space_generations</c>: which collection search answers from, the re-embedding
/// job that fills a new one when the configured model changes, and which generations each space holds.
/// </summary>
public sealed class EmbeddingSpaceRepository(NpgsqlDataSource dataSource, TimeProvider timeProvider)
{
    private const string Columns =
        "id AS Id, collection AS Collection, model AS Model, dimensions AS Dimensions, state AS State, videos_done AS VideosDone, " +
        "videos_total AS VideosTotal, lease_owner AS LeaseOwner, created_at AS CreatedAt, retired_at AS RetiredAt";

    /// <summary>The spaces that still have a collection: active, building and retired ones.</summary>
    public async Task<IReadOnlyList<EmbeddingSpaceRow>> ListLiveAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<EmbeddingSpaceRow>(new CommandDefinition(
            $"SELECT {Columns} FROM embedding_spaces WHERE state <> 'dropped' ORDER BY id", cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task<bool> AnyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM embedding_spaces WHERE state = 'active')", cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Makes sure an active space exists (the first one is <paramref name="firstCollection"/>, holding
    /// <paramref name="existing"/> — what that collection already holds — or else <paramref name="configured"/>), and that
    /// the configured space is active or building. Replicas configured with another model than the active one start a
    /// building space; one started after a building space was created abandons it when its own model differs (the newer
    /// configuration wins; replicas of an older configuration that are still running leave the newer one alone).
    /// Serialised across replicas by an advisory lock.
    /// </summary>
    public async Task RegisterAsync(
        string firstCollection, EmbeddingSpace? existing, EmbeddingSpace configured, DateTimeOffset processStarted, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT pg_advisory_xact_lock(hashtextextended('creatorchat.embedding_spaces', 0))", transaction: transaction, cancellationToken: cancellationToken));

        var rows = (await connection.QueryAsync<EmbeddingSpaceRow>(new CommandDefinition(
            $"SELECT {Columns} FROM embedding_spaces WHERE state IN ('active', 'building')", transaction: transaction, cancellationToken: cancellationToken))).AsList();
        var active = rows.SingleOrDefault(r => r.State == SpaceStates.Active);
        if (active is null)
        {
            var first = existing ?? configured;
            active = await InsertAsync(connection, transaction, firstCollection, first, SpaceStates.Active, now, cancellationToken);
        }

        var building = rows.SingleOrDefault(r => r.State == SpaceStates.Building);
        var activeSpace = new EmbeddingSpace(active.Model, active.Dimensions);
        var wanted = activeSpace != configured && (building is null || new EmbeddingSpace(building.Model, building.Dimensions) != configured);
        var abandon = building is not null && building.CreatedAt < processStarted &&
                      (activeSpace == configured || new EmbeddingSpace(building.Model, building.Dimensions) != configured);
        if (abandon)
        {
            await RetireAsync(connection, transaction, building!.Id, now, cancellationToken);
        }

        if (wanted && (building is null || abandon))
        {
            var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT nextval(pg_get_serial_sequence('embedding_spaces', 'id'))", transaction: transaction, cancellationToken: cancellationToken));
            await InsertAsync(connection, transaction, $"{firstCollection}_{id}", configured, SpaceStates.Building, now, cancellationToken, id);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<EmbeddingSpaceRow> InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string collection, EmbeddingSpace space, string state, DateTimeOffset now,
        CancellationToken cancellationToken, long? id = null) =>
        await connection.QuerySingleAsync<EmbeddingSpaceRow>(new CommandDefinition(
            $"""
            INSERT INTO embedding_spaces (id, collection, model, dimensions, state, created_at, activated_at, updated_at)
            VALUES (COALESCE(@Id, nextval(pg_get_serial_sequence('embedding_spaces', 'id'))), @Collection, @Model, @Dimensions, @State, @Now,
                    CASE WHEN @State = 'active' THEN @Now END, @Now)
            RETURNING {Columns}
            """,
            new { Id = id, Collection = collection, space.Model, space.Dimensions, State = state, Now = now }, transaction, cancellationToken: cancellationToken));

    private static Task RetireAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long id, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            "UPDATE embedding_spaces SET state = 'retired', retired_at = @Now, lease_owner = NULL, lease_expires_at = NULL, updated_at = @Now WHERE id = @Id",
            new { Id = id, Now = now }, transaction, cancellationToken: cancellationToken));

    /// <summary>Claims the building space's re-embedding job for <paramref name="owner"/> (free, expired, or already its own).</summary>
    public async Task<bool> ClaimBuildAsync(long id, string owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE embedding_spaces SET lease_owner = @Owner, lease_expires_at = @Until, updated_at = @Now
            WHERE id = (
                SELECT id FROM embedding_spaces
                WHERE id = @Id AND state = 'building' AND (lease_owner IS NULL OR lease_expires_at < @Now OR lease_owner = @Owner)
                FOR UPDATE SKIP LOCKED)
            """,
            new { Id = id, Owner = owner, Until = now + lease, Now = now }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Renews the lease and saves the progress; false when the job is no longer this replica's.</summary>
    public async Task<bool> HeartbeatBuildAsync(long id, string owner, TimeSpan lease, ReembeddingProgress progress, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE embedding_spaces SET lease_expires_at = @Until, videos_done = @Done, videos_total = @Total, updated_at = @Now
            WHERE id = @Id AND state = 'building' AND lease_owner = @Owner
            """,
            new { Id = id, Owner = owner, Until = now + lease, progress.Done, progress.Total, Now = now }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Gives the job back at once (graceful shutdown).</summary>
    public async Task ReleaseBuildAsync(long id, string owner, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE embedding_spaces SET lease_owner = NULL, lease_expires_at = NULL WHERE id = @Id AND lease_owner = @Owner",
            new { Id = id, Owner = owner }, cancellationToken: cancellationToken));
    }

    /// <summary>Searchable videos whose active generation the space does not hold yet.</summary>
    public async Task<IReadOnlyList<PendingVideo>> PendingAsync(long spaceId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<PendingVideo>(new CommandDefinition(
            $"""
            SELECT v.creator_id AS CreatorSlug, v.video_id AS VideoId, v.active_generation AS Generation FROM videos v
            WHERE {PendingCondition}
            ORDER BY v.creator_id, v.video_id LIMIT @Limit
            """,
            new { SpaceId = spaceId, Limit = limit }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    private const string PendingCondition =
        "v.active_generation IS NOT NULL AND NOT EXISTS (SELECT 1 FROM space_generations s WHERE s.space_id = @SpaceId AND s.generation = v.active_generation)";

    public async Task<ReembeddingProgress> ProgressAsync(long spaceId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var (total, pending) = await connection.QuerySingleAsync<(long, long)>(new CommandDefinition(
            $"SELECT count(*) FILTER (WHERE v.active_generation IS NOT NULL), count(*) FILTER (WHERE {PendingCondition}) FROM videos v",
            new { SpaceId = spaceId }, cancellationToken: cancellationToken));
        return new ReembeddingProgress((int)(total - pending), (int)total);
    }

    /// <summary>Ingestion wrote a job's chunks into the space.</summary>
    public async Task RecordWrittenAsync(long spaceId, string creatorSlug, string videoId, Guid generation, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO space_generations (space_id, generation, creator_id, video_id) VALUES (@SpaceId, @Generation, @CreatorSlug, @VideoId)
            ON CONFLICT DO NOTHING
            """,
            new { SpaceId = spaceId, Generation = generation, CreatorSlug = creatorSlug, VideoId = videoId }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Re-embedding copied a video's generation into the space. When the video moved on meanwhile (re-uploaded or
    /// deleted, so the copy may have landed after its clean-up ran), the copy is queued for removal: returns its clean-up id.
    /// </summary>
    public async Task<long?> RecordReembeddedAsync(long spaceId, PendingVideo video, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var current = await connection.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(
            "SELECT active_generation FROM videos WHERE creator_id = @CreatorSlug AND video_id = @VideoId FOR SHARE",
            new { video.CreatorSlug, video.VideoId }, transaction, cancellationToken: cancellationToken));
        long? cleanup = null;
        if (current == video.Generation)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO space_generations (space_id, generation, creator_id, video_id) VALUES (@SpaceId, @Generation, @CreatorSlug, @VideoId)
                ON CONFLICT DO NOTHING
                """,
                new { SpaceId = spaceId, video.Generation, video.CreatorSlug, video.VideoId }, transaction, cancellationToken: cancellationToken));
        }
        else
        {
            cleanup = await connection.QuerySingleAsync<long>(new CommandDefinition(
                """
                INSERT INTO vector_cleanups (creator_id, video_id, generations, attempts, run_after, created_at)
                VALUES (@CreatorSlug, @VideoId, ARRAY[@Generation], 0, @Now, @Now) RETURNING id
                """,
                new { video.CreatorSlug, video.VideoId, video.Generation, Now = now }, transaction, cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return cleanup;
    }

    /// <summary>
    /// Makes the building space active in one transaction, if this replica still holds its job and it holds every
    /// searchable video's generation: the old active space is retired, and every creator's knowledge version moves
    /// (answers cached under the old vectors retire). The space rows are locked first: activations of new uploads
    /// share that lock (<see cref="IngestionJobRepository.ActivateAsync"/>), so none can slip in between the check and the switch.
    /// </summary>
    public async Task<SwitchOutcome> SwitchAsync(long spaceId, string owner, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<EmbeddingSpaceRow>(new CommandDefinition(
            $"SELECT {Columns} FROM embedding_spaces WHERE state IN ('active', 'building') ORDER BY id FOR UPDATE",
            transaction: transaction, cancellationToken: cancellationToken))).AsList();
        var building = rows.SingleOrDefault(r => r.Id == spaceId && r.State == SpaceStates.Building);
        if (building is null || building.LeaseOwner != owner)
        {
            return SwitchOutcome.Lost;
        }

        var pending = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            $"SELECT EXISTS (SELECT 1 FROM videos v WHERE {PendingCondition})", new { SpaceId = spaceId }, transaction, cancellationToken: cancellationToken));
        if (pending)
        {
            return SwitchOutcome.Incomplete;
        }

        if (rows.SingleOrDefault(r => r.State == SpaceStates.Active) is { } active)
        {
            await RetireAsync(connection, transaction, active.Id, now, cancellationToken);
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE embedding_spaces SET state = 'active', activated_at = @Now, lease_owner = NULL, lease_expires_at = NULL,
                                        videos_done = videos_total, updated_at = @Now
            WHERE id = @Id
            """,
            new { Id = spaceId, Now = now }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE creator_knowledge SET version = version + 1, updated_at = @Now", new { Now = now }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return SwitchOutcome.Switched;
    }

    /// <summary>Claims a retired space whose grace period is over, for dropping its collection.</summary>
    public async Task<EmbeddingSpaceRow?> ClaimRetiredAsync(TimeSpan grace, string owner, TimeSpan lease, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<EmbeddingSpaceRow>(new CommandDefinition(
            $"""
            UPDATE embedding_spaces SET lease_owner = @Owner, lease_expires_at = @Until, updated_at = @Now
            WHERE id = (
                SELECT id FROM embedding_spaces
                WHERE state = 'retired' AND retired_at <= @Before AND (lease_owner IS NULL OR lease_expires_at < @Now)
                ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING {Columns}
            """,
            new { Owner = owner, Until = now + lease, Now = now, Before = now - grace }, cancellationToken: cancellationToken));
    }

    /// <summary>The retired space's collection is gone.</summary>
    public async Task MarkDroppedAsync(long id, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE embedding_spaces SET state = 'dropped', lease_owner = NULL, lease_expires_at = NULL, updated_at = @Now WHERE id = @Id AND state = 'retired'",
            new { Id = id, Now = now }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM space_generations WHERE space_id = @Id", new { Id = id }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Whether the active space holds the job's chunks (not so when a re-embedding switched spaces while the job ran). The
    /// shared lock on the live spaces keeps a switch (<see cref="SwitchAsync"/>) from happening until the caller's transaction ends.
    /// </summary>
    internal static async Task<bool> ActiveSpaceHoldsAsync(NpgsqlConnection connection, IDbTransaction transaction, Guid generation, CancellationToken cancellationToken)
    {
        var spaces = (await connection.QueryAsync<(long Id, string State)>(new CommandDefinition(
            "SELECT id, state FROM embedding_spaces WHERE state IN ('active', 'building') FOR SHARE",
            transaction: transaction, cancellationToken: cancellationToken))).AsList();
        return spaces.Where(s => s.State == SpaceStates.Active).Select(s => (long?)s.Id).SingleOrDefault() is { } active &&
               await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
                   "SELECT EXISTS (SELECT 1 FROM space_generations WHERE space_id = @Space AND generation = @Generation)",
                   new { Space = active, Generation = generation }, transaction, cancellationToken: cancellationToken));
    }
}
