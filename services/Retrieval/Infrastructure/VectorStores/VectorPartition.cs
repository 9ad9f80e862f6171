// Over 300 lines on purpose: the SIMD scans and the block maintenance work on the same private int8 block layout, which must stay encapsulated in one type.
using System.Collections.Immutable;
using CreatorChat.Retrieval.Model.Search;
using CreatorChat.Retrieval.Model.Text;

namespace CreatorChat.Retrieval.Infrastructure.VectorStores;

/// <summary>
/// One creator's vectors in memory, immutable: searches run on a snapshot without locks while a
/// refresh builds the next one. Rows live in blocks of at most <see cref="BlockRows"/> contiguous
/// vectors (cache-friendly scans, no giant arrays); applying changes rebuilds only the blocks that
/// lost rows and appends new blocks for new rows, so a refresh after one video costs little even
/// for a large creator.
/// <para>
/// Search is a brute-force scan of every row — no approximate index, nothing is skipped: each vector is
/// multiplied with the query in integers by SIMD (<see cref="Int8Vectors.Dot"/>), keeping the best in a small
/// heap; large partitions are scanned by several cores at once. Vectors are held as int8 codes with one scale
/// per row (<see cref="Int8Vectors"/>): a scan is bound by memory bandwidth, so a quarter of float32's bytes is
/// most of the time saved (at 100k chunks of 384 dimensions: 37 MB per scan instead of 74 MB as float16), and a
/// quarter of the memory per chunk. The scores it returns are therefore accurate to about 1e-3;
/// <see cref="EmbeddedVectorStore"/> re-scores its candidates with the float32 vectors it stores, so what callers
/// see is exact.
/// </para>
/// </summary>
public sealed class VectorPartition
{
    public const int BlockRows = 8192;

    private readonly ImmutableArray<Block> _blocks;
    private readonly ImmutableArray<string> _videos;
    private readonly ImmutableDictionary<string, int> _videoIndex;
    private readonly ImmutableArray<Guid> _generations;
    private readonly ImmutableDictionary<Guid, int> _generationIndex;

    private VectorPartition(
        int dimensions, long version, ImmutableArray<Block> blocks,
        ImmutableArray<string> videos, ImmutableDictionary<string, int> videoIndex,
        ImmutableArray<Guid> generations, ImmutableDictionary<Guid, int> generationIndex)
    {
        Dimensions = dimensions;
        Version = version;
        _blocks = blocks;
        _videos = videos;
        _videoIndex = videoIndex;
        _generations = generations;
        _generationIndex = generationIndex;
        Count = blocks.Sum(b => b.Count);
        _terms = blocks.Sum(b => b.TermCount);
    }

    private readonly long _terms;

    public int Dimensions { get; }

    /// <summary>The store revision this snapshot reflects.</summary>
    public long Version { get; }

    public int Count { get; }

    public int BlockCount => _blocks.Length;

    /// <summary>Bytes held by the vectors and row metadata (not counting object headers).</summary>
    public long EstimatedBytes => ((long)Count * BytesPerRow(Dimensions)) + (_terms * BytesPerTerm);

    /// <summary>Memory one row takes: the int8 codes and their scale, its id, video and generation indexes.</summary>
    public static long BytesPerRow(int dimensions) => dimensions + 4L + 16 + 4 + 4;

    /// <summary>Bytes of the BM25 terms: each (index, weight) pair is held per row and once more in the block's inverted index.</summary>
    public const long BytesPerTerm = 16;

    public static VectorPartition Empty(int dimensions, long version = 0) =>
        new(dimensions, version, [], [], ImmutableDictionary<string, int>.Empty.WithComparers(StringComparer.Ordinal), [], ImmutableDictionary<Guid, int>.Empty);

    /// <summary>
    /// The next snapshot: <paramref name="deletions"/> and rows replaced by <paramref name="additions"/> (same id)
    /// are removed from this one, then the additions are appended.
    /// </summary>
    public VectorPartition Apply(long version, IReadOnlyList<PartitionDeletion> deletions, IReadOnlyList<PartitionRow> additions)
    {
        var videos = _videos.ToBuilder();
        var videoIndex = _videoIndex.ToBuilder();
        var generations = _generations.ToBuilder();
        var generationIndex = _generationIndex.ToBuilder();

        // What to remove, expressed in this snapshot's indexes.
        var deleteAll = new HashSet<int>();
        var deleteGenerations = new Dictionary<int, HashSet<int>>();
        foreach (var deletion in deletions)
        {
            if (!_videoIndex.TryGetValue(deletion.VideoId, out var video))
            {
                continue;
            }

            if (deletion.Generations is null)
            {
                deleteAll.Add(video);
                continue;
            }

            var set = deleteGenerations.TryGetValue(video, out var existing) ? existing : deleteGenerations[video] = [];
            foreach (var generation in deletion.Generations)
            {
                if (_generationIndex.TryGetValue(generation, out var g))
                {
                    set.Add(g);
                }
            }
        }

        var replacedIds = new HashSet<Guid>();
        var replacedVideos = new HashSet<int>();
        foreach (var row in additions)
        {
            if (row.Vector.Length != Dimensions)
            {
                throw new ArgumentException($"Row {row.Id} has {row.Vector.Length} dimensions; the partition holds {Dimensions}.", nameof(additions));
            }

            replacedIds.Add(row.Id);
            if (_videoIndex.TryGetValue(row.VideoId, out var video))
            {
                replacedVideos.Add(video);
            }
        }

        bool Removed(Block block, int row)
        {
            var video = block.Videos[row];
            if (deleteAll.Contains(video))
            {
                return true;
            }

            if (deleteGenerations.TryGetValue(video, out var generationSet) && generationSet.Contains(block.Generations[row]))
            {
                return true;
            }

            return replacedVideos.Contains(video) && replacedIds.Contains(block.Ids[row]);
        }

        var blocks = ImmutableArray.CreateBuilder<Block>(_blocks.Length + 1);
        var affected = new HashSet<int>(deleteAll);
        affected.UnionWith(deleteGenerations.Keys);
        affected.UnionWith(replacedVideos);
        foreach (var block in _blocks)
        {
            if (affected.Count == 0 || !block.ContainsAny(affected))
            {
                blocks.Add(block);
                continue;
            }

            var keep = new List<int>(block.Count);
            for (var row = 0; row < block.Count; row++)
            {
                if (!Removed(block, row))
                {
                    keep.Add(row);
                }
            }

            if (keep.Count == block.Count)
            {
                blocks.Add(block);
            }
            else if (keep.Count > 0)
            {
                blocks.Add(block.Subset(keep, Dimensions));
            }
        }

        // Append the new rows in fresh blocks.
        for (var start = 0; start < additions.Count; start += BlockRows)
        {
            var count = Math.Min(BlockRows, additions.Count - start);
            var block = new Block(count, Dimensions);
            for (var i = 0; i < count; i++)
            {
                var row = additions[start + i];
                if (!videoIndex.TryGetValue(row.VideoId, out var video))
                {
                    video = videos.Count;
                    videos.Add(row.VideoId);
                    videoIndex[row.VideoId] = video;
                }

                if (!generationIndex.TryGetValue(row.Generation, out var generation))
                {
                    generation = generations.Count;
                    generations.Add(row.Generation);
                    generationIndex[row.Generation] = generation;
                }

                block.Set(i, row.Id, video, generation, row.Vector.Span, row.Terms);
            }

            blocks.Add(block);
        }

        return new VectorPartition(
            Dimensions, version, Compact(blocks.ToImmutable(), Dimensions),
            videos.ToImmutable(), videoIndex.ToImmutable(), generations.ToImmutable(), generationIndex.ToImmutable());
    }

    // Many small blocks (one per ingested video) are merged once they outnumber full blocks, keeping scans tight.
    private static ImmutableArray<Block> Compact(ImmutableArray<Block> blocks, int dimensions)
    {
        var rows = blocks.Sum(b => b.Count);
        var ideal = (rows + BlockRows - 1) / BlockRows;
        if (blocks.Length <= (ideal * 2) + 8)
        {
            return blocks;
        }

        var merged = ImmutableArray.CreateBuilder<Block>(ideal);
        var pending = new List<Block>();
        var pendingRows = 0;
        foreach (var block in blocks)
        {
            if (pendingRows + block.Count > BlockRows && pending.Count > 0)
            {
                merged.Add(Block.Concat(pending, pendingRows, dimensions));
                pending.Clear();
                pendingRows = 0;
            }

            pending.Add(block);
            pendingRows += block.Count;
        }

        if (pending.Count > 0)
        {
            merged.Add(Block.Concat(pending, pendingRows, dimensions));
        }

        return merged.ToImmutable();
    }

    /// <param name="Similarity">The int8-accurate cosine to the query: the score of a dense hit; of a lexical hit when the query vector was given.</param>
    public readonly record struct Hit(Guid Id, string VideoId, Guid Generation, float Score, float Similarity = 0);

    /// <summary>The best <paramref name="limit"/> rows scoring at least <paramref name="minScore"/>, best first (int8-accurate scores, see <see cref="Int8Vectors"/>).</summary>
    public IReadOnlyList<Hit> Search(ReadOnlySpan<float> query, int limit, float minScore, IReadOnlyCollection<Guid>? generations, int maxDegreeOfParallelism = 1)
    {
        if (query.Length != Dimensions)
        {
            throw new ArgumentException($"The query has {query.Length} dimensions; the partition holds {Dimensions}.", nameof(query));
        }

        if (limit <= 0 || Count == 0)
        {
            return [];
        }

        if (!TryAllow(generations, out var allowed))
        {
            return [];
        }

        var queryCodes = QueryCodes.Of(query);
        TopK merged;
        var parallelism = Math.Min(maxDegreeOfParallelism, _blocks.Length);
        if (parallelism <= 1 || Count < BlockRows * 2)
        {
            merged = new TopK(limit);
            foreach (var block in _blocks)
            {
                block.Scan(queryCodes, Dimensions, minScore, allowed, merged);
            }
        }
        else
        {
            var partials = new TopK[parallelism];
            Parallel.For(0, parallelism, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, worker =>
            {
                var top = new TopK(limit);
                for (var b = worker; b < _blocks.Length; b += parallelism)
                {
                    _blocks[b].Scan(queryCodes, Dimensions, minScore, allowed, top);
                }

                partials[worker] = top;
            });
            merged = new TopK(limit);
            foreach (var partial in partials)
            {
                merged.Merge(partial);
            }
        }

        return merged.Sorted().Select(e => new Hit(e.Block.Ids[e.Row], _videos[e.Block.Videos[e.Row]], _generations[e.Block.Generations[e.Row]], e.Score, e.Score)).ToList();
    }

    /// <summary>Null when all generations are allowed; false when none of the wanted ones is in this snapshot.</summary>
    private bool TryAllow(IReadOnlyCollection<Guid>? generations, out bool[]? allowed)
    {
        allowed = null;
        if (generations is null)
        {
            return true;
        }

        allowed = new bool[_generations.Length];
        var any = false;
        foreach (var generation in generations)
        {
            if (_generationIndex.TryGetValue(generation, out var g))
            {
                allowed[g] = true;
                any = true;
            }
        }

        return any;
    }

    /// <summary>
    /// The best <paramref name="limit"/> rows by BM25 for the query's terms (<see cref="Bm25.Query"/>), best first;
    /// rows that share no term with the query are not returned. Document frequencies count every row of the
    /// snapshot (a replaced video's old generation is gone within one clean-up), which keeps idf cheap. With
    /// <paramref name="vector"/>, each hit also carries its (int8-accurate) cosine to it, as score fusion needs.
    /// </summary>
    public IReadOnlyList<Hit> SearchLexical(SparseVector query, int limit, IReadOnlyCollection<Guid>? generations, ReadOnlySpan<float> vector = default)
    {
        if (!vector.IsEmpty && vector.Length != Dimensions)
        {
            throw new ArgumentException($"The query has {vector.Length} dimensions; the partition holds {Dimensions}.", nameof(vector));
        }

        if (limit <= 0 || Count == 0 || query.Count == 0 || !TryAllow(generations, out var allowed))
        {
            return [];
        }

        var idf = new float[query.Count];
        for (var t = 0; t < query.Count; t++)
        {
            long frequency = 0;
            foreach (var block in _blocks)
            {
                frequency += block.Postings(query.Indices[t]).Rows.Length;
            }

            idf[t] = frequency == 0 ? 0 : Bm25.Idf(Count, frequency) * query.Values[t];
        }

        // Only the query terms' postings are read; scores add up in one array per block (reused), not a dictionary:
        // a common term's postings cover a third of a large creator's rows.
        var top = new TopK(limit);
        var scores = new float[_blocks.IsEmpty ? 0 : _blocks.Max(b => b.Count)];
        foreach (var block in _blocks)
        {
            var any = false;
            for (var t = 0; t < query.Count; t++)
            {
                if (idf[t] == 0)
                {
                    continue;
                }

                var (rows, weights) = block.Postings(query.Indices[t]);
                var termIdf = idf[t];
                for (var p = 0; p < rows.Length; p++)
                {
                    scores[rows[p]] += termIdf * weights[p];
                }

                any |= rows.Length > 0;
            }

            if (!any)
            {
                continue;
            }

            for (var row = 0; row < block.Count; row++)
            {
                var score = scores[row];
                if (score > 0)
                {
                    scores[row] = 0;
                    if (allowed is null || allowed[block.Generations[row]])
                    {
                        top.Offer(block, row, score);
                    }
                }
            }
        }

        var codes = vector.IsEmpty ? null : QueryCodes.Of(vector);
        return top.Sorted().Select(e => new Hit(
            e.Block.Ids[e.Row], _videos[e.Block.Videos[e.Row]], _generations[e.Block.Generations[e.Row]], e.Score, codes?.Score(e.Block, e.Row, Dimensions) ?? 0)).ToList();
    }

    private sealed class Block
    {
        private static readonly (int[] Rows, float[] Weights) NoPostings = ([], []);
        private Dictionary<uint, (int[] Rows, float[] Weights)>? _index;

        public Block(int count, int dimensions)
        {
            Count = count;
            Codes = new sbyte[count * dimensions];
            Scales = new float[count];
            Ids = new Guid[count];
            Videos = new int[count];
            Generations = new int[count];
            Terms = new SparseVector?[count];
        }

        public int Count { get; }
        public sbyte[] Codes { get; }
        public float[] Scales { get; }
        public Guid[] Ids { get; }
        public int[] Videos { get; }
        public int[] Generations { get; }
        public SparseVector?[] Terms { get; }

        public long TermCount => Terms.Sum(t => (long)(t?.Count ?? 0));

        /// <summary>The rows containing a term and their BM25 weights; the inverted index is built on the first lexical search.</summary>
        public (int[] Rows, float[] Weights) Postings(uint term) =>
            LazyInitializer.EnsureInitialized(ref _index, BuildIndex).TryGetValue(term, out var postings) ? postings : NoPostings;

        private Dictionary<uint, (int[] Rows, float[] Weights)> BuildIndex()
        {
            var lists = new Dictionary<uint, (List<int> Rows, List<float> Weights)>();
            for (var row = 0; row < Count; row++)
            {
                if (Terms[row] is not { } terms)
                {
                    continue;
                }

                for (var t = 0; t < terms.Count; t++)
                {
                    if (!lists.TryGetValue(terms.Indices[t], out var list))
                    {
                        lists[terms.Indices[t]] = list = ([], []);
                    }

                    list.Rows.Add(row);
                    list.Weights.Add(terms.Values[t]);
                }
            }

            return lists.ToDictionary(l => l.Key, l => (l.Value.Rows.ToArray(), l.Value.Weights.ToArray()));
        }

        public void Set(int row, Guid id, int video, int generation, ReadOnlySpan<float> vector, SparseVector? terms)
        {
            Terms[row] = terms;
            Ids[row] = id;
            Videos[row] = video;
            Generations[row] = generation;
            Scales[row] = Int8Vectors.Quantize(vector, Codes.AsSpan(row * vector.Length, vector.Length));
        }

        private void Copy(int row, Block target, int targetRow, int dimensions)
        {
            target.Ids[targetRow] = Ids[row];
            target.Videos[targetRow] = Videos[row];
            target.Generations[targetRow] = Generations[row];
            target.Terms[targetRow] = Terms[row];
            target.Scales[targetRow] = Scales[row];
            Codes.AsSpan(row * dimensions, dimensions).CopyTo(target.Codes.AsSpan(targetRow * dimensions, dimensions));
        }

        public bool ContainsAny(HashSet<int> videos)
        {
            foreach (var video in Videos)
            {
                if (videos.Contains(video))
                {
                    return true;
                }
            }

            return false;
        }

        public Block Subset(List<int> rows, int dimensions)
        {
            var block = new Block(rows.Count, dimensions);
            for (var i = 0; i < rows.Count; i++)
            {
                Copy(rows[i], block, i, dimensions);
            }

            return block;
        }

        public static Block Concat(List<Block> blocks, int rows, int dimensions)
        {
            if (blocks.Count == 1)
            {
                return blocks[0];
            }

            var merged = new Block(rows, dimensions);
            var at = 0;
            foreach (var block in blocks)
            {
                block.Codes.AsSpan().CopyTo(merged.Codes.AsSpan(at * dimensions));
                block.Scales.AsSpan().CopyTo(merged.Scales.AsSpan(at));
                block.Ids.AsSpan().CopyTo(merged.Ids.AsSpan(at));
                block.Videos.AsSpan().CopyTo(merged.Videos.AsSpan(at));
                block.Generations.AsSpan().CopyTo(merged.Generations.AsSpan(at));
                block.Terms.AsSpan().CopyTo(merged.Terms.AsSpan(at));
                at += block.Count;
            }

            return merged;
        }

        public void Scan(QueryCodes query, int dimensions, float minScore, bool[]? allowed, TopK top)
        {
            var codes = Codes.AsSpan();
            var q = query.Codes.AsSpan();
            for (var row = 0; row < Count; row++)
            {
                if (allowed is not null && !allowed[Generations[row]])
                {
                    continue;
                }

                var score = Int8Vectors.Score(Int8Vectors.Dot(codes.Slice(row * dimensions, dimensions), q), query.Scale, Scales[row]);
                if (score >= minScore)
                {
                    top.Offer(this, row, score);
                }
            }
        }
    }

    /// <summary>The query quantised like the rows (<see cref="Int8Vectors"/>), widened to 16 bits once.</summary>
    private sealed record QueryCodes(short[] Codes, float Scale)
    {
        public static QueryCodes Of(ReadOnlySpan<float> vector)
        {
            var codes = new sbyte[vector.Length];
            var scale = Int8Vectors.Quantize(vector, codes);
            return new QueryCodes(Int8Vectors.Widen(codes), scale);
        }

        public float Score(Block block, int row, int dimensions) =>
            Int8Vectors.Score(Int8Vectors.Dot(block.Codes.AsSpan(row * dimensions, dimensions), Codes), Scale, block.Scales[row]);
    }

    private readonly record struct Entry(Block Block, int Row, float Score);

    /// <summary>A bounded min-heap: the lowest of the best k scores is always at the top, ready to be replaced.</summary>
    private sealed class TopK(int capacity)
    {
        private readonly PriorityQueue<Entry, float> _heap = new(capacity + 1);

        public void Offer(Block block, int row, float score)
        {
            if (_heap.Count < capacity)
            {
                _heap.Enqueue(new Entry(block, row, score), score);
            }
            else if (_heap.TryPeek(out _, out var lowest) && score > lowest)
            {
                _heap.DequeueEnqueue(new Entry(block, row, score), score);
            }
        }

        public void Merge(TopK other)
        {
            foreach (var (entry, _) in other._heap.UnorderedItems)
            {
                Offer(entry.Block, entry.Row, entry.Score);
            }
        }

        public List<Entry> Sorted()
        {
            var entries = _heap.UnorderedItems.Select(i => i.Element).ToList();
            entries.Sort((a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : a.Block.Ids[a.Row].CompareTo(b.Block.Ids[b.Row]));
            return entries;
        }
    }
}
