using System.Data;
using CreatorChat.Retrieval.Model;
using Dapper;
using Npgsql;

namespace CreatorChat.Retrieval.Infrastructure.Data;

/// <summary>
/// <c>creator_knowledge</c>: per creator, the knowledge version (bumped whenever what search can return changes, in the
/// transaction that changes it) with its video and chunk counts, and which version the creator service has been told.
/// </summary>
public sealed class KnowledgeRepository(NpgsqlDataSource dataSource)
{
    private const string Columns = "creator_id AS CreatorSlug, version AS Version, video_count AS VideoCount, chunk_count AS ChunkCount";

    public async Task<KnowledgeState> GetKnowledgeAsync(string creatorSlug, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<KnowledgeState>(new CommandDefinition(
            $"SELECT {Columns} FROM creator_knowledge WHERE creator_id = @CreatorSlug",
            new { CreatorSlug = creatorSlug }, cancellationToken: cancellationToken));
        return row ?? KnowledgeState.Empty(creatorSlug);
    }

    /// <summary>Searchable video counts of the given creators (all creators with videos when null).</summary>
    public async Task<IReadOnlyList<KnowledgeState>> ListKnowledgeAsync(IReadOnlyCollection<string>? creatorSlugs, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<KnowledgeState>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM creator_knowledge
            WHERE @CreatorSlugs::text[] IS NULL OR creator_id = ANY(@CreatorSlugs)
            ORDER BY creator_id
            """,
            new { CreatorSlugs = creatorSlugs?.ToArray() }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    /// <summary>Knowledge states whose counts the creator service has not been told about yet.</summary>
    public async Task<IReadOnlyList<KnowledgeState>> UnreportedKnowledgeAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<KnowledgeState>(new CommandDefinition(
            $"""
            SELECT {Columns} FROM creator_knowledge
            WHERE reported_version < version ORDER BY updated_at LIMIT @Limit
            """,
            new { Limit = limit }, cancellationToken: cancellationToken));
        return rows.AsList();
    }

    public async Task MarkReportedAsync(string creatorSlug, long version, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE creator_knowledge SET reported_version = @Version WHERE creator_id = @CreatorSlug AND reported_version < @Version",
            new { CreatorSlug = creatorSlug, Version = version }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Bumps a creator's knowledge version and recounts its searchable videos. The creator's row is locked
    /// first and counted by a later statement: under read committed, a count taken in the same statement as
    /// the lock would miss another replica's activation committed while this one waited (two concurrent
    /// activations then stored 7 videos for 8).
    /// </summary>
    internal static async Task<KnowledgeState> BumpAsync(
        NpgsqlConnection connection, IDbTransaction transaction, string creatorSlug, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO creator_knowledge (creator_id, version, video_count, chunk_count, reported_version, updated_at)
            VALUES (@CreatorSlug, 0, 0, 0, 0, @Now) ON CONFLICT (creator_id) DO NOTHING
            """,
            new { CreatorSlug = creatorSlug, Now = now }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT 1 FROM creator_knowledge WHERE creator_id = @CreatorSlug FOR UPDATE",
            new { CreatorSlug = creatorSlug }, transaction, cancellationToken: cancellationToken));

        var row = await connection.QuerySingleAsync<KnowledgeState>(new CommandDefinition(
            """
            UPDATE creator_knowledge k SET
                version = k.version + 1, video_count = counts.videos, chunk_count = counts.chunks, updated_at = @Now
            FROM (
                SELECT count(*)::int AS videos, COALESCE(sum(chunk_count), 0)::int AS chunks
                FROM videos WHERE creator_id = @CreatorSlug AND active_generation IS NOT NULL
            ) counts
            WHERE k.creator_id = @CreatorSlug
            RETURNING k.creator_id AS CreatorSlug, k.version AS Version, k.video_count AS VideoCount, k.chunk_count AS ChunkCount
            """,
            new { CreatorSlug = creatorSlug, Now = now }, transaction, cancellationToken: cancellationToken));
        return row;
    }
}
