using System.Numerics.Tensors;
using CreatorChat.Retrieval.Infrastructure.VectorStores;
using CreatorChat.Retrieval.Model;
using CreatorChat.Retrieval.Model.Search;
using CreatorChat.Retrieval.Tests.Support;

namespace CreatorChat.Retrieval.Tests.Integration.VectorStores;

/// <summary>
/// The behaviour every <see cref="IVectorStore"/> must have. Each implementation's test class derives from
/// this and says how to make a store; every test uses its own creator ids, so tests never see each other.
/// </summary>
public abstract class VectorStoreContract : IAsyncLifetime
{
    protected static readonly EmbeddingSpace Space = new("contract-test-model", 8);

    private IVectorStore? _store;

    protected IVectorStore Store => _store ?? throw new InvalidOperationException("not initialised");

    /// <summary>A store over a fresh collection (its <see cref="IVectorStore.EnsureCollectionAsync"/> not called yet).</summary>
    protected abstract Task<IVectorStore> CreateStoreAsync(string collection);

    protected string Collection { get; } = "contract_" + Guid.NewGuid().ToString("N")[..12];

    public virtual async Task InitializeAsync()
    {
        _store = await CreateStoreAsync(Collection);
        await _store.EnsureCollectionAsync(Space, CancellationToken.None);
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected static string NewCreator() => "c-" + Guid.NewGuid().ToString("N")[..16];

    protected static float[] Unit(params float[] values)
    {
        var vector = new float[Space.Dimensions];
        values.CopyTo(vector, 0);
        TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);
        return vector;
    }

    protected static VectorRecord Record(string creator, string video, Guid generation, int sequence, float[] vector, string? url = null) =>
        new(VectorRecord.IdFor(creator, video, generation, sequence), creator, video, generation, sequence, vector,
            new ChunkPayload($"Video {video}", url, sequence * 30.5, (sequence * 30.5) + 30, $"Chunk {sequence} of {video} — «ünïcödé» \"quoted\""));

    private async Task<IReadOnlyList<VectorMatch>> Search(string creator, float[] query, int limit = 10, float min = -1, IReadOnlyCollection<Guid>? generations = null) =>
        await Store.SearchAsync(new VectorQuery(creator, query, limit, min, generations), CancellationToken.None);

    [SuiteFact]
    public async Task Matches_come_best_first_with_cosine_scores_and_their_payload()
    {
        var creator = NewCreator();
        var generation = Guid.NewGuid();
        await Store.UpsertAsync(
        [
            Record(creator, "v1", generation, 0, Unit(1, 0, 0), "https://www.youtube.com/watch?v=v1"),
            Record(creator, "v1", generation, 1, Unit(1, 1, 0)),
            Record(creator, "v2", generation, 0, Unit(0, 0, 1)),
        ], CancellationToken.None);

        var matches = await Search(creator, Unit(1, 0.2f, 0));

        Assert.Equal([("v1", 0), ("v1", 1), ("v2", 0)], matches.Select(m => (m.VideoId, m.Sequence)));
        Assert.Equal(TensorPrimitives.Dot(Unit(1, 0.2f, 0), Unit(1, 0, 0)), matches[0].Score, 3);
        Assert.Equal(0f, matches[2].Score, 3);
        var best = matches[0];
        Assert.Equal(VectorRecord.IdFor(creator, "v1", generation, 0), best.Id);
        Assert.Equal(generation, best.Generation);
        Assert.Equal(new ChunkPayload("Video v1", "https://www.youtube.com/watch?v=v1", 0, 30, "Chunk 0 of v1 — «ünïcödé» \"quoted\""), best.Payload);
        Assert.Null(matches[1].Payload.Url);
        Assert.Equal(30.5, matches[1].Payload.StartSeconds);
    }

    [SuiteFact]
    public async Task A_creator_never_sees_another_creators_chunks()
    {
        var (mine, theirs) = (NewCreator(), NewCreator());
        await Store.UpsertAsync([Record(theirs, "secret", Guid.NewGuid(), 0, Unit(1, 0, 0))], CancellationToken.None);
        await Store.UpsertAsync([Record(mine, "mine", Guid.NewGuid(), 0, Unit(0, 1, 0))], CancellationToken.None);

        var matches = await Search(mine, Unit(1, 0, 0));

        Assert.Equal(["mine"], matches.Select(m => m.VideoId));
        Assert.Empty(await Search(NewCreator(), Unit(1, 0, 0)));
    }

    [SuiteFact]
    public async Task The_threshold_and_the_limit_are_respected()
    {
        var creator = NewCreator();
        var generation = Guid.NewGuid();
        await Store.UpsertAsync(Enumerable.Range(0, 20).Select(i => Record(creator, "v", generation, i, Unit(1, i / 4f, 0))).ToList(), CancellationToken.None);

        var limited = await Search(creator, Unit(1, 0, 0), limit: 3);
        var thresholded = await Search(creator, Unit(1, 0, 0), limit: 20, min: 0.8f);

        Assert.Equal([0, 1, 2], limited.Select(m => m.Sequence));
        Assert.NotEmpty(thresholded);
        Assert.All(thresholded, m => Assert.True(m.Score >= 0.8f - 1e-4f, $"{m.Score}"));
        Assert.Equal(Enumerable.Range(0, 20).Count(i => TensorPrimitives.Dot(Unit(1, 0, 0), Unit(1, i / 4f, 0)) >= 0.8f), thresholded.Count);
    }

    [SuiteFact]
    public async Task Only_the_requested_generations_match()
    {
        var creator = NewCreator();
        var (old, current) = (Guid.NewGuid(), Guid.NewGuid());
        await Store.UpsertAsync([Record(creator, "v", old, 0, Unit(1, 0, 0)), Record(creator, "v", current, 0, Unit(1, 0.1f, 0))], CancellationToken.None);

        Assert.Equal([current], (await Search(creator, Unit(1, 0, 0), generations: [current])).Select(m => m.Generation));
        Assert.Equal(2, (await Search(creator, Unit(1, 0, 0), generations: [current, old])).Count);
        Assert.Empty(await Search(creator, Unit(1, 0, 0), generations: [Guid.NewGuid()]));
        Assert.Empty(await Search(creator, Unit(1, 0, 0), generations: []));
    }

    [SuiteFact]
    public async Task Writing_the_same_chunks_again_overwrites_them()
    {
        var creator = NewCreator();
        var generation = Guid.NewGuid();
        var first = Enumerable.Range(0, 5).Select(i => Record(creator, "v", generation, i, Unit(1, i, 0))).ToList();
        await Store.UpsertAsync(first, CancellationToken.None);

        var rewritten = first.Select(r => r with { Vector = Unit(0, 0, 1), Payload = r.Payload with { Title = "Renamed" } }).ToList();
        await Store.UpsertAsync(rewritten, CancellationToken.None);

        Assert.Equal(5, await Store.CountAsync(creator, CancellationToken.None));
        var matches = await Search(creator, Unit(0, 0, 1));
        Assert.All(matches, m => Assert.Equal(1f, m.Score, 3));
        Assert.All(matches, m => Assert.Equal("Renamed", m.Payload.Title));
    }

    [SuiteFact]
    public async Task Deleting_a_generation_leaves_the_others_and_deleting_a_video_leaves_other_videos()
    {
        var creator = NewCreator();
        var (old, current) = (Guid.NewGuid(), Guid.NewGuid());
        await Store.UpsertAsync(
        [
            Record(creator, "v", old, 0, Unit(1, 0, 0)), Record(creator, "v", old, 1, Unit(1, 0, 0)),
            Record(creator, "v", current, 0, Unit(1, 0, 0)),
            Record(creator, "w", current, 0, Unit(1, 0, 0)),
        ], CancellationToken.None);

        await Store.DeleteAsync(creator, "v", [old], CancellationToken.None);
        Assert.Equal([("v", current), ("w", current)], (await Search(creator, Unit(1, 0, 0))).Select(m => (m.VideoId, m.Generation)).Order());

        await Store.DeleteAsync(creator, "v", null, CancellationToken.None);
        Assert.Equal(["w"], (await Search(creator, Unit(1, 0, 0))).Select(m => m.VideoId));
        Assert.Equal(1, await Store.CountAsync(creator, CancellationToken.None));
    }

    [SuiteFact]
    public async Task Deleting_is_idempotent_and_harmless_for_unknown_videos()
    {
        var creator = NewCreator();
        await Store.UpsertAsync([Record(creator, "keep", Guid.NewGuid(), 0, Unit(1, 0, 0))], CancellationToken.None);

        await Store.DeleteAsync(creator, "gone", null, CancellationToken.None);
        await Store.DeleteAsync(creator, "gone", null, CancellationToken.None);
        await Store.DeleteAsync(creator, "keep", [Guid.NewGuid()], CancellationToken.None);
        await Store.DeleteAsync(NewCreator(), "anything", null, CancellationToken.None);

        Assert.Equal(1, await Store.CountAsync(creator, CancellationToken.None));
    }

    [SuiteFact]
    public async Task Large_writes_are_all_stored()
    {
        var creator = NewCreator();
        var generation = Guid.NewGuid();
        var random = new Random(11);
        var records = Enumerable.Range(0, 1500).Select(i => Record(creator, $"v{i % 7}", generation, i, Unit(
            (float)random.NextDouble(), (float)random.NextDouble(), (float)random.NextDouble(), (float)random.NextDouble()))).ToList();

        await Store.UpsertAsync(records, CancellationToken.None);

        Assert.Equal(1500, await Store.CountAsync(creator, CancellationToken.None));
        var target = records[777];
        var best = (await Search(creator, target.Vector.ToArray(), limit: 1))[0];
        Assert.Equal(target.Id, best.Id);
    }

    [SuiteFact]
    public async Task A_collection_refuses_another_embedding_model_or_dimension()
    {
        var sameCollection = await CreateStoreAsync(Collection);

        await sameCollection.EnsureCollectionAsync(Space, CancellationToken.None); // the same space: fine, as often as wanted
        var otherModel = await Assert.ThrowsAsync<EmbeddingSpaceMismatchException>(() =>
            sameCollection.EnsureCollectionAsync(Space with { Model = "another-model" }, CancellationToken.None));
        var otherDimension = await Assert.ThrowsAsync<EmbeddingSpaceMismatchException>(() =>
            sameCollection.EnsureCollectionAsync(Space with { Dimensions = 16 }, CancellationToken.None));

        Assert.Equal(Space, otherModel.Stored);
        Assert.Equal("another-model", otherModel.Configured.Model);
        Assert.Equal(16, otherDimension.Configured.Dimensions);
        Assert.Contains(Collection, otherModel.Message, StringComparison.Ordinal);
    }

    [SuiteFact]
    public async Task Reading_a_generation_returns_its_chunks_in_order_with_their_payloads_and_nothing_else()
    {
        var creator = NewCreator();
        var (old, current) = (Guid.NewGuid(), Guid.NewGuid());
        var wanted = Enumerable.Range(0, 600).Select(i => Record(creator, "v", current, 599 - i, Unit(1, i, 0), i % 2 == 0 ? null : "https://youtu.be/v")).ToList();
        await Store.UpsertAsync([.. wanted, Record(creator, "v", old, 0, Unit(1, 0, 0)), Record(creator, "w", current, 0, Unit(1, 0, 0)),
            Record(NewCreator(), "v", current, 0, Unit(1, 0, 0))], CancellationToken.None);

        var read = await Store.ReadAsync(creator, "v", current, CancellationToken.None);

        Assert.Equal(Enumerable.Range(0, 600), read.Select(c => c.Sequence));
        Assert.Equal(wanted.OrderBy(r => r.Sequence).Select(r => r.Payload), read.Select(c => c.Payload));
        Assert.Empty(await Store.ReadAsync(creator, "v", Guid.NewGuid(), CancellationToken.None));
        Assert.Empty(await Store.ReadAsync(NewCreator(), "v", current, CancellationToken.None));
    }

    [SuiteFact]
    public async Task A_collection_says_what_it_holds_and_dropping_it_removes_every_chunk()
    {
        var other = await CreateStoreAsync(Collection + "_other");
        Assert.Null(await other.FindCollectionAsync(CancellationToken.None));
        var otherSpace = new EmbeddingSpace("another-model", 4);
        await other.EnsureCollectionAsync(otherSpace, CancellationToken.None);
        var creator = NewCreator();
        await other.UpsertAsync([Record(creator, "v", Guid.NewGuid(), 0, new float[] { 1, 0, 0, 0 })], CancellationToken.None);
        await Store.UpsertAsync([Record(creator, "v", Guid.NewGuid(), 0, Unit(1, 0, 0))], CancellationToken.None);

        Assert.Equal(Space, await Store.FindCollectionAsync(CancellationToken.None));
        Assert.Equal(otherSpace, await other.FindCollectionAsync(CancellationToken.None));

        await other.DropCollectionAsync(CancellationToken.None);
        await other.DropCollectionAsync(CancellationToken.None); // idempotent

        Assert.Null(await other.FindCollectionAsync(CancellationToken.None));
        Assert.Equal(1, await Store.CountAsync(creator, CancellationToken.None)); // the other collection is untouched
        await other.EnsureCollectionAsync(Space, CancellationToken.None); // the name is free again, for any space
        Assert.Equal(0, await other.CountAsync(creator, CancellationToken.None));
        await other.DropCollectionAsync(CancellationToken.None);
    }

    [SuiteFact]
    public async Task Vectors_of_the_wrong_length_are_refused()
    {
        var creator = NewCreator();

        await Assert.ThrowsAsync<ArgumentException>(() =>
            Store.UpsertAsync([Record(creator, "v", Guid.NewGuid(), 0, Unit(1, 0, 0)) with { Vector = new float[3] }], CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => Search(creator, new float[Space.Dimensions + 1]));
    }
}
