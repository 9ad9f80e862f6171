using CreatorChat.Retrieval.Infrastructure.VectorStores;
using CreatorChat.Retrieval.Model.Search;
using CreatorChat.Retrieval.Tests.Support;
using CreatorChat.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CreatorChat.Retrieval.Tests.Integration.VectorStores;

/// <summary>The shared suite against the embedded store on a real Postgres.</summary>
[Collection(RetrievalCollection.Name)]
public sealed class EmbeddedVectorStoreTests(InfrastructureFixture infrastructure) : VectorStoreContract
{
    private readonly List<NpgsqlDataSource> _dataSources = [];
    private string? _connectionString;

    protected override async Task<IVectorStore> CreateStoreAsync(string collection)
    {
        _connectionString ??= await TestDatabase.CreateAsync(infrastructure);
        var dataSource = NpgsqlDataSource.Create(_connectionString);
        _dataSources.Add(dataSource);
        return new EmbeddedVectorStore(dataSource, new EmbeddedVectorStoreOptions { Collection = collection, WriteBatchRows = 400 }, NullLogger<EmbeddedVectorStore>.Instance);
    }

    [Fact]
    public async Task Scores_are_exact_float32_cosines_although_memory_holds_int8()
    {
        var creator = NewCreator();
        var generation = Guid.NewGuid();
        var random = new Random(3);
        float Next() => (float)((random.NextDouble() * 2) - 1);
        var records = Enumerable.Range(0, 200).Select(i => Record(creator, $"v{i % 4}", generation, i, Unit(Next(), Next(), Next(), Next(), Next(), Next(), Next(), Next()))).ToList();
        await Store.UpsertAsync(records, CancellationToken.None);
        var query = Unit(Next(), Next(), Next(), Next(), Next(), Next(), Next(), Next());

        var matches = await Store.SearchAsync(new VectorQuery(creator, query, 15, 0.2f, null), CancellationToken.None);

        var expected = records.Select(r => (r.Id, Score: System.Numerics.Tensors.TensorPrimitives.Dot(query, r.Vector.Span)))
            .Where(x => x.Score >= 0.2f).OrderByDescending(x => x.Score).ThenBy(x => x.Id).Take(15).ToList();
        Assert.Equal(expected.Select(e => e.Id), matches.Select(m => m.Id));
        Assert.Equal(expected.Select(e => e.Score), matches.Select(m => m.Score)); // bit for bit
    }

    [Fact]
    public async Task Every_session_of_the_database_runs_without_jit_even_after_its_pool_resets_it()
    {
        await CreateStoreAsync("jit");
        await using var dataSource = NpgsqlDataSource.Create(_connectionString!);

        // Twice on one pooled connection: Npgsql's DISCARD ALL on return would undo a per-session SET.
        for (var use = 0; use < 2; use++)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var show = new NpgsqlCommand("SHOW jit", connection);
            Assert.Equal("off", await show.ExecuteScalarAsync());
        }
    }

    [Fact]
    public async Task Winners_are_fetched_by_id_even_for_a_creator_the_statistics_do_not_know_yet()
    {
        // Statistics that know one creator, then a new creator's partition written after them: the situation in
        // which Postgres planned the fetch as a scan of all the new creator's rows.
        var known = NewCreator();
        await Store.UpsertAsync(Enumerable.Range(0, 500).Select(i => Record(known, "v", Guid.NewGuid(), i, Unit(1, i, 0))).ToList(), CancellationToken.None);
        await using var dataSource = NpgsqlDataSource.Create(_connectionString!);
        await using var connection = await dataSource.OpenConnectionAsync();
        await using (var analyze = new NpgsqlCommand("ANALYZE vector_points", connection))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        var fresh = NewCreator();
        var records = Enumerable.Range(0, 3000).Select(i => Record(fresh, $"v{i / 100}", Guid.NewGuid(), i, Unit(1, i, 0))).ToList();
        await Store.UpsertAsync(records, CancellationToken.None);

        await using var explain = new NpgsqlCommand("EXPLAIN (ANALYZE, FORMAT TEXT) " + EmbeddedVectorStore.PayloadSql, connection);
        explain.Parameters.AddWithValue("collection", Collection);
        explain.Parameters.AddWithValue("creator", fresh);
        explain.Parameters.AddWithValue("ids", records.Where((_, i) => i % 100 == 7).Select(r => r.Id).ToArray());
        explain.Parameters.AddWithValue("exact", true);
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        var text = string.Join('\n', plan);
        Assert.Contains("vector_points_id_idx", text, StringComparison.Ordinal);
        Assert.DoesNotContain(plan, line => line.Contains("Rows Removed by Filter", StringComparison.Ordinal) &&
                                            int.Parse(line[(line.LastIndexOf(':') + 1)..].Trim(), System.Globalization.CultureInfo.InvariantCulture) > 1);
    }

    public override async Task DisposeAsync()
    {
        foreach (var dataSource in _dataSources)
        {
            await dataSource.DisposeAsync();
        }
    }
}

/// <summary>
/// Two replicas' stores over one database: each must answer from what the other committed, loading only
/// the changes since the version it holds.
/// </summary>
[Collection(RetrievalCollection.Name)]
public sealed class EmbeddedVectorStoreReplicaTests(InfrastructureFixture infrastructure) : IAsyncLifetime
{
    private static readonly CreatorChat.Retrieval.Model.EmbeddingSpace Space = new("replica-test", 4);
    private NpgsqlDataSource _first = null!;
    private NpgsqlDataSource _second = null!;
    private EmbeddedVectorStore _a = null!;
    private EmbeddedVectorStore _b = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await TestDatabase.CreateAsync(infrastructure);
        _first = NpgsqlDataSource.Create(connectionString);
        _second = NpgsqlDataSource.Create(connectionString);
        _a = new EmbeddedVectorStore(_first, new EmbeddedVectorStoreOptions(), NullLogger<EmbeddedVectorStore>.Instance);
        _b = new EmbeddedVectorStore(_second, new EmbeddedVectorStoreOptions(), NullLogger<EmbeddedVectorStore>.Instance);
        await _a.EnsureCollectionAsync(Space, CancellationToken.None);
        await _b.EnsureCollectionAsync(Space, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    private static VectorRecord Record(string creator, string video, Guid generation, int sequence, params float[] vector) =>
        new(VectorRecord.IdFor(creator, video, generation, sequence), creator, video, generation, sequence, vector,
            new ChunkPayload(video, null, sequence, sequence + 1, $"{video} #{sequence}"));

    private static async Task<List<string>> Videos(IVectorStore store, string creator) =>
        (await store.SearchAsync(new VectorQuery(creator, new float[] { 1, 0, 0, 0 }, 100, -1, null), CancellationToken.None))
        .Select(m => $"{m.VideoId}#{m.Sequence}").Order().ToList();

    [Fact]
    public async Task A_replica_sees_writes_replacements_and_deletions_made_by_another()
    {
        const string creator = "replicated";
        var (g1, g2) = (Guid.NewGuid(), Guid.NewGuid());

        await _a.UpsertAsync([Record(creator, "bread", g1, 0, 1, 0, 0, 0), Record(creator, "bread", g1, 1, 0.5f, 0.5f, 0.5f, 0.5f)], CancellationToken.None);
        Assert.Equal(["bread#0", "bread#1"], await Videos(_b, creator)); // B loads the partition: first search

        await _a.UpsertAsync([Record(creator, "sear", g1, 0, 0, 1, 0, 0)], CancellationToken.None);
        Assert.Equal(["bread#0", "bread#1", "sear#0"], await Videos(_b, creator)); // B holds an old version: loads the change
        Assert.Equal(3, _b.CachedVectors);

        await _a.UpsertAsync([Record(creator, "bread", g2, 0, 1, 0, 0, 0)], CancellationToken.None);
        await _a.DeleteAsync(creator, "bread", [g1], CancellationToken.None);
        Assert.Equal(["bread#0", "sear#0"], await Videos(_b, creator));
        Assert.Equal(2, _b.CachedVectors); // the deletion was applied in memory, not merely hidden by the payload read
        Assert.Equal(g2, (await _b.SearchAsync(new VectorQuery(creator, new float[] { 1, 0, 0, 0 }, 1, -1, null), CancellationToken.None))[0].Generation);

        await _b.DeleteAsync(creator, "sear", null, CancellationToken.None);
        Assert.Equal(["bread#0"], await Videos(_a, creator)); // and the other way round
        Assert.Equal(["bread#0"], await Videos(_b, creator));
        Assert.Equal(1, _a.CachedVectors);
        Assert.Equal(1, _b.CachedVectors);
    }

    [Fact]
    public async Task Concurrent_writers_and_readers_end_in_the_committed_state()
    {
        const string creator = "busy";
        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
        {
            var store = w == 0 ? _a : _b;
            for (var i = 0; i < 15; i++)
            {
                var generation = Guid.NewGuid();
                await store.UpsertAsync([Record(creator, $"w{w}-v{i}", generation, 0, 1, w, i, 0), Record(creator, $"w{w}-v{i}", generation, 1, 0, 1, w, i)], CancellationToken.None);
                if (i % 3 == 0)
                {
                    await store.DeleteAsync(creator, $"w{w}-v{i}", null, CancellationToken.None);
                }
            }
        })).ToList();
        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                var found = await Videos(r == 0 ? _a : _b, creator);
                Assert.All(found.GroupBy(f => f.Split('#')[0]), g => Assert.True(g.Count() <= 2)); // never a duplicated chunk
            }
        })).ToList();

        await Task.WhenAll(writers.Concat(readers));

        var expected = Enumerable.Range(0, 2).SelectMany(w => Enumerable.Range(0, 15).Where(i => i % 3 != 0).SelectMany(i => new[] { $"w{w}-v{i}#0", $"w{w}-v{i}#1" })).Order().ToList();
        Assert.Equal(expected, await Videos(_a, creator));
        Assert.Equal(expected, await Videos(_b, creator));
        Assert.Equal(expected.Count, _a.CachedVectors);
        Assert.Equal(expected.Count, _b.CachedVectors);
        Assert.Equal(expected.Count, await _a.CountAsync(creator, CancellationToken.None));
    }

    [Fact]
    public async Task A_partition_evicted_from_memory_is_loaded_again()
    {
        var store = new EmbeddedVectorStore(_first, new EmbeddedVectorStoreOptions { MaxCachedBytes = 100 } /* one 2-row partition of 4 dimensions is 64 bytes */, NullLogger<EmbeddedVectorStore>.Instance);
        await store.EnsureCollectionAsync(Space, CancellationToken.None);
        var g = Guid.NewGuid();
        await _a.UpsertAsync([Record("evict-1", "v", g, 0, 1, 0, 0, 0), Record("evict-1", "v", g, 1, 1, 0, 0, 0)], CancellationToken.None);
        await _a.UpsertAsync([Record("evict-2", "v", g, 0, 1, 0, 0, 0), Record("evict-2", "v", g, 1, 1, 0, 0, 0)], CancellationToken.None);

        Assert.Equal(2, (await Videos(store, "evict-1")).Count);
        Assert.Equal(2, (await Videos(store, "evict-2")).Count); // over budget: evict-1 is dropped
        Assert.Equal(2, store.CachedVectors);
        Assert.Equal(2, (await Videos(store, "evict-1")).Count); // and comes back on demand
    }
}
