// Over 300 lines on purpose: the Postgres writes and the in-memory partitions they keep consistent (versions, revisions, deletions) are one protocol; split, each half would depend on the other's invariants.
using System.Collections.Concurrent;
using System.Data;
using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using CreatorChat.Retrieval.Model;
using CreatorChat.Retrieval.Model.Search;
using CreatorChat.Retrieval.Model.Text;
using Npgsql;
using NpgsqlTypes;

namespace CreatorChat.Retrieval.Infrastructure.VectorStores;

/// <summary>
/// The default vector store: vectors are persisted in Postgres (<c>vector_points</c>, raw float32 in
/// <c>bytea</c>), and each creator's partition is loaded into memory on first search and scanned in full
/// with SIMD (<see cref="VectorPartition"/>, int8 in memory); the best candidates are then re-scored
/// with their float32 vectors, fetched with their payloads, so scores and order are exact.
/// <para>
/// Consistency across replicas: every write bumps the partition's <c>version</c> in the same transaction
/// (the row lock serialises writers of one creator), stamps new rows with it as their <c>revision</c>, and
/// records deletions in <c>vector_deletions</c> under it. Every search first reads the version (a primary-key
/// lookup); when it moved, the replica loads only what changed since the version it holds — rows and
/// deletions with a higher revision, read in one repeatable-read snapshot — so a replica always answers
/// from a state that another replica committed, never from a stale one.
/// </para>
/// </summary>
public sealed partial class EmbeddedVectorStore(
    NpgsqlDataSource dataSource, EmbeddedVectorStoreOptions options, ILogger<EmbeddedVectorStore> logger) : IVectorStore
{
    private readonly ConcurrentDictionary<string, PartitionHolder> _partitions = new(StringComparer.Ordinal);
    private EmbeddingSpace? _space;

    public string Kind => "embedded";

    public EmbeddedVectorStoreOptions Options => options;

    /// <summary>Chunks currently held in memory by this replica.</summary>
    public long CachedVectors => _partitions.Values.Sum(p => (long)(p.Snapshot?.Count ?? 0));

    /// <summary>Bytes currently held in memory by this replica's partitions.</summary>
    public long CachedBytes => _partitions.Values.Sum(p => p.Snapshot?.EstimatedBytes ?? 0);

    public async Task EnsureCollectionAsync(EmbeddingSpace space, CancellationToken cancellationToken)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("The embedded vector store stores float32 little-endian vectors.");
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO vector_collections (name, model, dimensions, created_at) VALUES (@name, @model, @dimensions, now()) ON CONFLICT (name) DO NOTHING",
            connection))
        {
            insert.Parameters.AddWithValue("name", options.Collection);
            insert.Parameters.AddWithValue("model", space.Model);
            insert.Parameters.AddWithValue("dimensions", space.Dimensions);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var select = new NpgsqlCommand("SELECT model, dimensions FROM vector_collections WHERE name = @name", connection);
        select.Parameters.AddWithValue("name", options.Collection);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new VectorStoreException($"The vector collection '{options.Collection}' could not be created.");
        }

        var stored = new EmbeddingSpace(reader.GetString(0), reader.GetInt32(1));
        if (stored != space)
        {
            throw new EmbeddingSpaceMismatchException(options.Collection, stored, space);
        }

        _space = space;
    }

    private EmbeddingSpace Space => _space ?? throw new InvalidOperationException("EnsureCollectionAsync must run before the store is used.");

    public async Task<EmbeddingSpace?> FindCollectionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var select = new NpgsqlCommand("SELECT model, dimensions FROM vector_collections WHERE name = @name", connection);
        select.Parameters.AddWithValue("name", options.Collection);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new EmbeddingSpace(reader.GetString(0), reader.GetInt32(1)) : null;
    }

    /// <summary>Partitions, points and deletions go with the collection row (ON DELETE CASCADE).</summary>
    public async Task DropCollectionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var delete = new NpgsqlCommand("DELETE FROM vector_collections WHERE name = @name", connection);
        delete.Parameters.AddWithValue("name", options.Collection);
        await delete.ExecuteNonQueryAsync(cancellationToken);
        _partitions.Clear();
        _space = null;
    }

    public async Task<IReadOnlyList<StoredChunk>> ReadAsync(string creatorSlug, string videoId, Guid generation, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var select = new NpgsqlCommand(
            """
            SELECT seq, title, url, start_seconds, end_seconds, text FROM vector_points
            WHERE collection = @collection AND creator_id = @creator AND video_id = @video AND generation = @generation
            ORDER BY seq
            """, connection);
        AddScope(select, creatorSlug);
        select.Parameters.AddWithValue("video", videoId);
        select.Parameters.AddWithValue("generation", generation);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var chunks = new List<StoredChunk>();
        while (await reader.ReadAsync(cancellationToken))
        {
            chunks.Add(new StoredChunk(reader.GetInt32(0), new ChunkPayload(
                reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetString(5))));
        }

        return chunks;
    }

    public async Task UpsertAsync(IReadOnlyList<VectorRecord> records, CancellationToken cancellationToken)
    {
        var space = Space;
        foreach (var record in records)
        {
            if (record.Vector.Length != space.Dimensions)
            {
                throw new ArgumentException($"Chunk {record.Id} has {record.Vector.Length} dimensions; the collection holds {space}.", nameof(records));
            }
        }

        foreach (var creator in records.GroupBy(r => r.CreatorSlug, StringComparer.Ordinal))
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var revision = await BumpVersionAsync(connection, transaction, creator.Key, create: true, cancellationToken);
            foreach (var batch in creator.Chunk(options.WriteBatchRows))
            {
                await InsertBatchAsync(connection, transaction, creator.Key, revision!.Value, batch, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
    }

    private async Task InsertBatchAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string creatorSlug, long revision, VectorRecord[] batch, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO vector_points (collection, creator_id, id, video_id, generation, seq, revision, embedding, title, url, start_seconds, end_seconds, text)
            SELECT @collection, @creator, u.id, u.video_id, u.generation, u.seq, @revision, u.embedding, u.title, u.url, u.start_seconds, u.end_seconds, u.text
            FROM unnest(@ids, @videos, @generations, @seqs, @embeddings, @titles, @urls, @starts, @ends, @texts)
                 AS u(id, video_id, generation, seq, embedding, title, url, start_seconds, end_seconds, text)
            ON CONFLICT (collection, creator_id, id) DO UPDATE SET
                video_id = excluded.video_id, generation = excluded.generation, seq = excluded.seq, revision = excluded.revision,
                embedding = excluded.embedding, title = excluded.title, url = excluded.url,
                start_seconds = excluded.start_seconds, end_seconds = excluded.end_seconds, text = excluded.text
            """, connection, transaction);
        command.Parameters.AddWithValue("collection", options.Collection);
        command.Parameters.AddWithValue("creator", creatorSlug);
        command.Parameters.AddWithValue("revision", revision);
        command.Parameters.AddWithValue("ids", batch.Select(r => r.Id).ToArray());
        command.Parameters.AddWithValue("videos", batch.Select(r => r.VideoId).ToArray());
        command.Parameters.AddWithValue("generations", batch.Select(r => r.Generation).ToArray());
        command.Parameters.AddWithValue("seqs", batch.Select(r => r.Sequence).ToArray());
        command.Parameters.Add(new NpgsqlParameter("embeddings", NpgsqlDbType.Array | NpgsqlDbType.Bytea)
        {
            Value = batch.Select(r => MemoryMarshal.AsBytes(r.Vector.Span).ToArray()).ToArray(),
        });
        command.Parameters.AddWithValue("titles", batch.Select(r => r.Payload.Title).ToArray());
        command.Parameters.Add(new NpgsqlParameter("urls", NpgsqlDbType.Array | NpgsqlDbType.Text)
        {
            Value = batch.Select(r => (object?)r.Payload.Url ?? DBNull.Value).ToArray(),
        });
        command.Parameters.AddWithValue("starts", batch.Select(r => r.Payload.StartSeconds).ToArray());
        command.Parameters.AddWithValue("ends", batch.Select(r => r.Payload.EndSeconds).ToArray());
        command.Parameters.AddWithValue("texts", batch.Select(r => r.Payload.Text).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task DeleteAsync(string creatorSlug, string videoId, IReadOnlyCollection<Guid>? generations, CancellationToken cancellationToken)
    {
        _ = Space;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var revision = await BumpVersionAsync(connection, transaction, creatorSlug, create: false, cancellationToken);
        if (revision is null)
        {
            return; // nothing was ever stored for this creator
        }

        await using (var delete = new NpgsqlCommand(
            """
            DELETE FROM vector_points
            WHERE collection = @collection AND creator_id = @creator AND video_id = @video
              AND (@generations::uuid[] IS NULL OR generation = ANY(@generations))
            """, connection, transaction))
        {
            AddScope(delete, creatorSlug);
            delete.Parameters.AddWithValue("video", videoId);
            delete.Parameters.Add(GenerationsParameter(generations));
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var record = new NpgsqlCommand(
            """
            INSERT INTO vector_deletions (collection, creator_id, revision, video_id, generations)
            VALUES (@collection, @creator, @revision, @video, @generations)
            """, connection, transaction))
        {
            AddScope(record, creatorSlug);
            record.Parameters.AddWithValue("revision", revision.Value);
            record.Parameters.AddWithValue("video", videoId);
            record.Parameters.Add(GenerationsParameter(generations));
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<VectorMatch>> SearchAsync(VectorQuery query, CancellationToken cancellationToken)
    {
        var space = Space;
        if (query.Vector.Length != space.Dimensions)
        {
            throw new ArgumentException($"The query has {query.Vector.Length} dimensions; the collection holds {space}.", nameof(query));
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var version = await ReadVersionAsync(connection, query.CreatorSlug, cancellationToken);
        if (version is null)
        {
            return [];
        }

        var partition = await GetPartitionAsync(connection, query.CreatorSlug, version.Value, cancellationToken);
        var depth = query.Mode switch
        {
            SearchMode.Semantic => query.Limit,
            SearchMode.Lexical => query.Limit + options.RescoreMargin,
            _ => query.Fusion.Depth(query.Limit),
        };
        IReadOnlyList<VectorPartition.Hit> dense = query.Mode == SearchMode.Lexical ? [] : partition.Search(
            query.Vector.Span, depth + options.RescoreMargin, query.Mode == SearchMode.Semantic ? query.MinScore - ScanTolerance : -2f,
            query.Generations, options.MaxSearchParallelism);
        IReadOnlyList<VectorPartition.Hit> lexical = query.Mode == SearchMode.Semantic ? [] : partition.SearchLexical(
            query.Terms, depth, query.Generations, query.Mode == SearchMode.Hybrid ? query.Vector.Span : default);
        if (dense.Count == 0 && lexical.Count == 0)
        {
            return [];
        }

        // Only the few rows that can be returned are read from Postgres: a semantic search re-ranks its scan's candidates
        // by their exact cosine (so it reads their float32 vectors too); lexical and hybrid rankings are made in memory
        // (BM25, and the scan's int8-accurate cosines for the fusion) and only their best Limit + RescoreMargin rows are
        // read, so a hybrid search reads ~30 rows, not the ~170 of both candidate lists. A hybrid search keeps the scan's
        // cosines: its ranking already rests on them, and each stored vector is a second (out-of-line) lookup per row.
        if (query.Mode == SearchMode.Semantic)
        {
            var exact = await ReadCandidatesAsync(connection, query, dense.Select(h => (h.Id, h.VideoId, h.Generation, 0f, h.Similarity)).ToList(), exactSimilarity: true, cancellationToken);
            return exact.Where(m => m.Similarity >= query.MinScore)
                .OrderByDescending(m => m.Similarity).ThenBy(m => m.Id).Take(query.Limit).Select(m => m with { Score = m.Similarity }).ToList();
        }

        var hits = dense.Concat(lexical).GroupBy(h => h.Id).ToDictionary(g => g.Key, g => g.First()); // a dense hit's similarity first
        IEnumerable<(Guid Id, float Score)> ranking = query.Mode == SearchMode.Lexical
            ? lexical.Select(h => (h.Id, h.Score))
            : query.Fusion.Fuse(
                    dense.Take(depth).Select(h => h.Id).ToList(), lexical.Select(h => h.Id).ToList(), lexical.Select(h => h.Score).ToList(), id => hits[id].Similarity)
                .OrderByDescending(f => f.Value).ThenBy(f => f.Key).Select(f => (f.Key, f.Value));
        var winners = ranking.Take(query.Limit + options.RescoreMargin).Select(r => (r.Id, hits[r.Id].VideoId, hits[r.Id].Generation, r.Score, hits[r.Id].Similarity)).ToList();

        // A candidate deleted between the scan and the read is simply gone; ties of the ranking go to the closer meaning.
        return (await ReadCandidatesAsync(connection, query, winners, exactSimilarity: query.Mode != SearchMode.Hybrid, cancellationToken))
            .OrderByDescending(m => m.Score).ThenByDescending(m => m.Similarity).ThenBy(m => m.Id).Take(query.Limit).ToList();
    }

    /// <summary>
    /// Payloads of candidates, each with the ranking score and the similarity given, or with <paramref name="exactSimilarity"/>
    /// the exact (float32) similarity of its stored vector, which is then read too. Each candidate is one lookup in the index on id whatever the table
    /// statistics say: the subquery only filters on id, and OFFSET 0 keeps the planner from pushing the collection and creator
    /// conditions into it (with them, before statistics know a creator, it chose an index on (collection, creator_id) and
    /// filtered all of the creator's rows for every id: 20–200 ms instead of 0.5).
    /// </summary>
    private async Task<List<VectorMatch>> ReadCandidatesAsync(
        NpgsqlConnection connection, VectorQuery query, IReadOnlyList<(Guid Id, string VideoId, Guid Generation, float Score, float Similarity)> candidates,
        bool exactSimilarity, CancellationToken cancellationToken)
    {
        var byId = new Dictionary<Guid, (string VideoId, Guid Generation, float Score, float Similarity)>(candidates.Count);
        foreach (var candidate in candidates)
        {
            byId.TryAdd(candidate.Id, (candidate.VideoId, candidate.Generation, candidate.Score, candidate.Similarity));
        }

        var found = new List<VectorMatch>(byId.Count);
        if (byId.Count == 0)
        {
            return found;
        }

        await using var select = new NpgsqlCommand(PayloadSql, connection);
        AddScope(select, query.CreatorSlug);
        select.Parameters.AddWithValue("ids", byId.Keys.ToArray());
        select.Parameters.AddWithValue("exact", exactSimilarity);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetGuid(0);
            var candidate = byId[id];
            var similarity = exactSimilarity ? Exact(query.Vector, await reader.GetFieldValueAsync<byte[]>(7, cancellationToken)) : candidate.Similarity;
            found.Add(new VectorMatch(id, candidate.VideoId, candidate.Generation, reader.GetInt32(1), new ChunkPayload(
                reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetDouble(4), reader.GetDouble(5), reader.GetString(6)), candidate.Score)
            {
                Similarity = similarity,
            });
        }

        return found;
    }

    private static float Exact(ReadOnlyMemory<float> query, byte[] stored) => TensorPrimitives.Dot(query.Span, MemoryMarshal.Cast<byte, float>(stored));

    /// <summary>
    /// Payload of candidate chunks by id (see the comment where it is used), and their float32 vectors when <c>@exact</c>
    /// (stored out of line: one not asked for is not fetched).
    /// </summary>
    internal const string PayloadSql =
        """
        SELECT p.id, p.seq, p.title, p.url, p.start_seconds, p.end_seconds, p.text, CASE WHEN @exact THEN p.embedding END
        FROM unnest(@ids) AS wanted(id)
        CROSS JOIN LATERAL (
            SELECT v.collection, v.creator_id, v.id, v.seq, v.title, v.url, v.start_seconds, v.end_seconds, v.text, v.embedding
            FROM vector_points v WHERE v.id = wanted.id OFFSET 0
        ) p
        WHERE p.collection = @collection AND p.creator_id = @creator
        """;

    /// <summary>How far an int8 scan score can be from the exact one, with a wide margin (the real error is about 1e-3).</summary>
    private const float ScanTolerance = 0.01f;

    public async Task<long> CountAsync(string creatorSlug, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM vector_points WHERE collection = @collection AND creator_id = @creator", connection);
        AddScope(command, creatorSlug);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Loads (or refreshes) a creator's partition now, e.g. to warm the cache; returns its size.</summary>
    public async Task<int> WarmAsync(string creatorSlug, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var version = await ReadVersionAsync(connection, creatorSlug, cancellationToken);
        return version is null ? 0 : (await GetPartitionAsync(connection, creatorSlug, version.Value, cancellationToken)).Count;
    }

    private async Task<VectorPartition> GetPartitionAsync(NpgsqlConnection connection, string creatorSlug, long version, CancellationToken cancellationToken)
    {
        var holder = _partitions.GetOrAdd(creatorSlug, _ => new PartitionHolder());
        holder.Touch();
        if (holder.Snapshot is { } current && current.Version == version)
        {
            return current;
        }

        await holder.Refresh.WaitAsync(cancellationToken);
        try
        {
            var snapshot = holder.Snapshot;
            if (snapshot is not null && snapshot.Version >= version)
            {
                return snapshot; // another search refreshed it meanwhile
            }

            var started = Stopwatch.GetTimestamp();
            var from = snapshot?.Version ?? 0;
            snapshot = await LoadChangesAsync(connection, creatorSlug, snapshot ?? VectorPartition.Empty(Space.Dimensions), cancellationToken);
            holder.Snapshot = snapshot;
            LogRefreshed(logger, creatorSlug, from, snapshot.Version, snapshot.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        finally
        {
            holder.Refresh.Release();
        }

        EvictIfOverBudget(creatorSlug);
        return holder.Snapshot!;
    }

    private async Task<VectorPartition> LoadChangesAsync(NpgsqlConnection connection, string creatorSlug, VectorPartition current, CancellationToken cancellationToken)
    {
        // One snapshot of the database for the version, the deletions and the rows, so they agree.
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var version = await ReadVersionAsync(connection, creatorSlug, cancellationToken, transaction) ?? 0;
        if (version < current.Version)
        {
            current = VectorPartition.Empty(current.Dimensions); // the store was reset underneath us: start over
        }

        var deletions = new List<PartitionDeletion>();
        if (current.Version > 0)
        {
            await using var select = new NpgsqlCommand(
                """
                SELECT video_id, generations FROM vector_deletions
                WHERE collection = @collection AND creator_id = @creator AND revision > @from AND revision <= @to
                ORDER BY revision
                """, connection, transaction);
            AddScope(select, creatorSlug);
            select.Parameters.AddWithValue("from", current.Version);
            select.Parameters.AddWithValue("to", version);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                deletions.Add(new PartitionDeletion(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<Guid[]>(1)));
            }
        }

        var additions = new List<PartitionRow>();
        await using (var select = new NpgsqlCommand(
            """
            SELECT id, video_id, generation, embedding, title, text FROM vector_points
            WHERE collection = @collection AND creator_id = @creator AND revision > @from AND revision <= @to
            """, connection, transaction))
        {
            AddScope(select, creatorSlug);
            select.Parameters.AddWithValue("from", current.Version);
            select.Parameters.AddWithValue("to", version);
            await using var reader = await select.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var id = reader.GetGuid(0);
                var video = reader.GetString(1);
                var generation = reader.GetGuid(2);
                var bytes = await reader.GetFieldValueAsync<byte[]>(3, cancellationToken);
                var terms = Bm25.Passage(reader.GetString(4), reader.GetString(5));
                additions.Add(new PartitionRow(id, video, generation, MemoryMarshal.Cast<byte, float>(bytes).ToArray(), terms));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return current.Apply(version, deletions, additions);
    }

    private void EvictIfOverBudget(string keep)
    {
        var total = CachedBytes;
        if (total <= options.MaxCachedBytes)
        {
            return;
        }

        foreach (var (creator, holder) in _partitions.OrderBy(p => p.Value.LastUsed).ToList())
        {
            if (total <= options.MaxCachedBytes)
            {
                break;
            }

            if (creator == keep || holder.Snapshot is null)
            {
                continue;
            }

            total -= holder.Snapshot.EstimatedBytes;
            _partitions.TryRemove(creator, out _);
            LogEvicted(logger, creator, holder.Snapshot.Count);
        }
    }

    private async Task<long?> BumpVersionAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string creatorSlug, bool create, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            create
                ? """
                  INSERT INTO vector_partitions (collection, creator_id, version) VALUES (@collection, @creator, 1)
                  ON CONFLICT (collection, creator_id) DO UPDATE SET version = vector_partitions.version + 1
                  RETURNING version
                  """
                : "UPDATE vector_partitions SET version = version + 1 WHERE collection = @collection AND creator_id = @creator RETURNING version",
            connection, transaction);
        AddScope(command, creatorSlug);
        return (long?)await command.ExecuteScalarAsync(cancellationToken);
    }

    private async Task<long?> ReadVersionAsync(NpgsqlConnection connection, string creatorSlug, CancellationToken cancellationToken, NpgsqlTransaction? transaction = null)
    {
        await using var command = new NpgsqlCommand(
            "SELECT version FROM vector_partitions WHERE collection = @collection AND creator_id = @creator", connection, transaction);
        AddScope(command, creatorSlug);
        return (long?)await command.ExecuteScalarAsync(cancellationToken);
    }

    private void AddScope(NpgsqlCommand command, string creatorSlug)
    {
        command.Parameters.AddWithValue("collection", options.Collection);
        command.Parameters.AddWithValue("creator", creatorSlug);
    }

    private static NpgsqlParameter GenerationsParameter(IReadOnlyCollection<Guid>? generations) =>
        new("generations", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = generations is null ? DBNull.Value : generations.ToArray() };

    private sealed class PartitionHolder
    {
        private long _lastUsed;

        public SemaphoreSlim Refresh { get; } = new(1, 1);

        public volatile VectorPartition? Snapshot;

        public long LastUsed => Interlocked.Read(ref _lastUsed);

        public void Touch() => Interlocked.Exchange(ref _lastUsed, Stopwatch.GetTimestamp());
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Vector partition {CreatorSlug} refreshed from revision {From} to {To}: {Rows} rows in {ElapsedMs:0.0} ms")]
    private static partial void LogRefreshed(ILogger logger, string creatorSlug, long from, long to, int rows, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Vector partition {CreatorSlug} ({Rows} rows) evicted from memory (cache budget)")]
    private static partial void LogEvicted(ILogger logger, string creatorSlug, int rows);
}
