using System.Numerics.Tensors;
using CreatorChat.Retrieval.Infrastructure.VectorStores;
using CreatorChat.Retrieval.Model.Search;

namespace CreatorChat.Retrieval.Tests.Unit.VectorStores;

public sealed class VectorPartitionTests
{
    private const int Dimensions = 32;

    private static float[] RandomUnit(Random random)
    {
        var v = new float[Dimensions];
        for (var i = 0; i < v.Length; i++)
        {
            v[i] = (float)((random.NextDouble() * 2) - 1);
        }

        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
        return v;
    }

    private static List<PartitionRow> Rows(Random random, int count, string video, Guid generation) =>
        Enumerable.Range(0, count).Select(_ => new PartitionRow(Guid.NewGuid(), video, generation, RandomUnit(random))).ToList();

    // The partition holds int8 codes with a scale per vector: the reference quantises the same way and multiplies in
    // integers (a plain loop, not the SIMD kernel), so results must agree exactly.
    private static (sbyte[] Codes, float Scale) AsHeld(ReadOnlySpan<float> vector)
    {
        var codes = new sbyte[vector.Length];
        var scale = Int8Vectors.Quantize(vector, codes);
        return (codes, scale);
    }

    private static float HeldScore(float[] query, ReadOnlySpan<float> row)
    {
        var (q, qs) = AsHeld(query);
        var (r, rs) = AsHeld(row);
        var dot = 0;
        for (var i = 0; i < q.Length; i++)
        {
            dot += q[i] * r[i];
        }

        return Int8Vectors.Score(dot, qs, rs);
    }

    private static List<(Guid Id, float Score)> BruteForce(IEnumerable<PartitionRow> rows, float[] query, int k, float min, ISet<Guid>? generations) =>
        rows.Where(r => generations is null || generations.Contains(r.Generation))
            .Select(r => (r.Id, Score: HeldScore(query, r.Vector.Span)))
            .Where(x => x.Score >= min)
            .OrderByDescending(x => x.Score).ThenBy(x => x.Id).Take(k).ToList();

    [Theory]
    [InlineData(5)]
    [InlineData(16)]
    [InlineData(384)]
    [InlineData(389)]
    public void The_int8_dot_product_is_exact_at_any_length(int length)
    {
        var random = new Random(length);
        var row = Enumerable.Range(0, length).Select(_ => (sbyte)random.Next(-127, 128)).ToArray();
        var query = Enumerable.Range(0, length).Select(_ => (sbyte)random.Next(-127, 128)).ToArray();
        var expected = row.Zip(query).Sum(p => p.First * p.Second);

        Assert.Equal(expected, Int8Vectors.Dot(row, Int8Vectors.Widen(query)));
    }

    [Fact]
    public void Quantised_scores_are_within_a_few_thousandths_of_the_exact_cosine()
    {
        var random = new Random(11);
        for (var i = 0; i < 200; i++)
        {
            var a = RandomUnit(random);
            var b = RandomUnit(random);
            Assert.InRange(HeldScore(a, b) - TensorPrimitives.Dot(a, b), -0.01f, 0.01f);
        }

        var zero = new sbyte[Dimensions];
        Assert.Equal(0f, Int8Vectors.Quantize(new float[Dimensions], zero));
        Assert.All(zero, c => Assert.Equal(0, c));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Search_finds_exactly_what_a_brute_force_scan_finds(int parallelism)
    {
        var random = new Random(7);
        var g1 = Guid.NewGuid();
        var g2 = Guid.NewGuid();
        var rows = Rows(random, 20_000, "v1", g1).Concat(Rows(random, 15_000, "v2", g2)).ToList();
        var partition = VectorPartition.Empty(Dimensions).Apply(1, [], rows);

        for (var q = 0; q < 5; q++)
        {
            var query = RandomUnit(random);
            var hits = partition.Search(query, 10, -1, null, parallelism);
            Assert.Equal(BruteForce(rows, query, 10, -1, null).Select(x => x.Id), hits.Select(h => h.Id));
            Assert.True(hits.Zip(hits.Skip(1)).All(p => p.First.Score >= p.Second.Score));

            var filtered = partition.Search(query, 10, 0.2f, new HashSet<Guid> { g2 }, parallelism);
            Assert.Equal(BruteForce(rows, query, 10, 0.2f, new HashSet<Guid> { g2 }).Select(x => x.Id), filtered.Select(h => h.Id));
            Assert.All(filtered, h => Assert.Equal("v2", h.VideoId));
        }

        Assert.Equal(35_000, partition.Count);
        Assert.Equal(35_000L * (Dimensions + 28), partition.EstimatedBytes);
    }

    [Fact]
    public void Deletions_remove_only_the_named_generations_of_a_video()
    {
        var random = new Random(1);
        var (old, current, other) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var partition = VectorPartition.Empty(Dimensions).Apply(1, [], Rows(random, 50, "v", old).Concat(Rows(random, 40, "v", current)).Concat(Rows(random, 30, "w", other)).ToList());

        var next = partition.Apply(2, [new PartitionDeletion("v", [old])], []);
        var all = next.Apply(3, [new PartitionDeletion("w", null), new PartitionDeletion("unknown", null)], []);

        Assert.Equal(120, partition.Count); // snapshots are immutable
        Assert.Equal(70, next.Count);
        Assert.Equal(40, all.Count);
        Assert.All(all.Search(RandomUnit(random), 100, -1, null), h => Assert.Equal(current, h.Generation));
        Assert.Equal(3, all.Version);
    }

    [Fact]
    public void Rows_written_again_with_the_same_id_replace_the_old_ones()
    {
        var random = new Random(2);
        var generation = Guid.NewGuid();
        var rows = Rows(random, 10, "v", generation);
        var partition = VectorPartition.Empty(Dimensions).Apply(1, [], rows);
        var target = RandomUnit(random);

        var rewritten = partition.Apply(2, [], [rows[3] with { Vector = target }]);

        Assert.Equal(10, rewritten.Count);
        var best = rewritten.Search(target, 1, -1, null)[0];
        Assert.Equal(rows[3].Id, best.Id);
        Assert.Equal(1f, best.Score, 2); // int8-accurate
    }

    [Fact]
    public void Many_small_appends_are_compacted_without_losing_rows()
    {
        var random = new Random(3);
        var partition = VectorPartition.Empty(Dimensions);
        var all = new List<PartitionRow>();
        for (var i = 0; i < 300; i++)
        {
            var rows = Rows(random, 40, $"video-{i}", Guid.NewGuid());
            all.AddRange(rows);
            partition = partition.Apply(i + 1, [], rows);
        }

        Assert.Equal(12_000, partition.Count);
        Assert.True(partition.BlockCount <= 12, $"{partition.BlockCount} blocks");
        var query = RandomUnit(random);
        Assert.Equal(BruteForce(all, query, 20, -1, null).Select(x => x.Id), partition.Search(query, 20, -1, null).Select(h => h.Id));
    }

    [Fact]
    public void Empty_filters_limits_and_wrong_dimensions()
    {
        var random = new Random(4);
        var partition = VectorPartition.Empty(Dimensions).Apply(1, [], Rows(random, 10, "v", Guid.NewGuid()));

        Assert.Empty(partition.Search(RandomUnit(random), 5, -1, new HashSet<Guid> { Guid.NewGuid() }));
        Assert.Empty(partition.Search(RandomUnit(random), 0, -1, null));
        Assert.Empty(partition.Search(RandomUnit(random), 5, 1.01f, null));
        Assert.Throws<ArgumentException>(() => partition.Search(new float[Dimensions + 1], 5, -1, null));
        Assert.Throws<ArgumentException>(() => partition.Apply(2, [], [new PartitionRow(Guid.NewGuid(), "v", Guid.NewGuid(), new float[3])]));
    }
}
