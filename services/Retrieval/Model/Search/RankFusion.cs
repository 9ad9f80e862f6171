namespace CreatorChat.Retrieval.Model.Search;

/// <summary>How the semantic and the lexical ranking become one (<see cref="RankFusion"/>).</summary>
public enum FusionMethod
{
    /// <summary>
    /// A weighted blend of normalised scores: the cosine min-max normalised over the candidates of both lists, BM25
    /// divided by the best BM25 (0 outside the lexical list). Magnitudes count: a passage far ahead lexically stays ahead
    /// unless the meaning clearly disagrees. Computed by the service for both stores.
    /// </summary>
    Scores,

    /// <summary>Weighted reciprocal rank fusion: Σ weight / (K + rank) over the lists a passage is in (Qdrant's <c>rrf</c>).</summary>
    Ranks,
}

/// <summary>
/// Fusion of the semantic and the lexical ranking (<see cref="FusionMethod"/>), divided by the best possible score so
/// that a passage first in both lists scores 1. <c>benchmarks -- retrieval-quality</c> tunes it on the dev split of the
/// HF-course question set and reports the held-out split (see <see cref="Default"/>).
/// </summary>
/// <param name="K">Reciprocal rank fusion's constant (<see cref="FusionMethod.Ranks"/> only).</param>
/// <param name="Candidates">How deep each list is read, as a multiple of the results asked for.</param>
public sealed record RankFusion(int K, float SemanticWeight, float LexicalWeight, int Candidates = 4, FusionMethod Method = FusionMethod.Ranks)
{
    /// <summary>
    /// The score blend with equal weights: no weight fitted. On the dev split (48 questions) it is the grid's best
    /// (dev recall@1 0.854 against lexical 0.833, semantic 0.646; MRR 0.910 against 0.892); the RRF settings tried (K 1–60,
    /// semantic weight 0.3–1.5) never passed lexical alone on dev recall@1 (best 0.833, the former default K = 20 with
    /// equal weights 0.729): rank fusion throws away how far BM25's first passage is ahead, which on these questions is
    /// the strongest evidence there is. Held-out test split: recall@1 0.625 (lexical 0.604, semantic 0.625), recall@5
    /// 0.896 (0.854, 0.875), MRR 0.756 (0.713, 0.732); RRF K = 20 had 0.667 | 0.896 | 0.776 there, but was not chosen on it.
    /// </summary>
    public static RankFusion Default { get; } = new(K: 20, SemanticWeight: 1f, LexicalWeight: 1f, Method: FusionMethod.Scores);

    public int Depth(int limit) => Math.Max(limit * Candidates, limit + 10);

    /// <summary>The raw score of a passage first in both rankings: fused scores are divided by it.</summary>
    public float Best => Method == FusionMethod.Ranks ? (SemanticWeight + LexicalWeight) / (K + 1f) : SemanticWeight + LexicalWeight;

    /// <summary>
    /// BM25 scores within this fraction of the best of their group share one rank. Ranks drop magnitudes, so without it
    /// a 0.1 % difference (twin videos, a few words' length normalisation) would weigh as much as a real one and
    /// outvote the semantic ranking; with it, near-equal lexical matches are left for the semantic side to order.
    /// </summary>
    public const float LexicalTieTolerance = 0.01f;

    /// <summary>
    /// Fused scores of every id in either list (each best first; <paramref name="lexicalScores"/> are the lexical list's
    /// BM25 scores, <paramref name="similarity"/> the cosine of any candidate, both needed by <see cref="FusionMethod.Scores"/>).
    /// </summary>
    public Dictionary<Guid, float> Fuse(
        IReadOnlyList<Guid> semantic, IReadOnlyList<Guid> lexical, IReadOnlyList<float>? lexicalScores = null, Func<Guid, float>? similarity = null)
    {
        return Method == FusionMethod.Scores
            ? FuseScores(semantic, lexical,
                lexicalScores ?? throw new ArgumentNullException(nameof(lexicalScores), "Score fusion needs the BM25 scores."),
                similarity ?? throw new ArgumentNullException(nameof(similarity), "Score fusion needs the candidates' similarities."))
            : FuseRanks(semantic, lexical, lexicalScores);
    }

    private Dictionary<Guid, float> FuseRanks(IReadOnlyList<Guid> semantic, IReadOnlyList<Guid> lexical, IReadOnlyList<float>? lexicalScores)
    {
        var best = Best;
        var scores = new Dictionary<Guid, float>();
        void Add(IReadOnlyList<Guid> ranking, IReadOnlyList<int> ranks, float weight)
        {
            for (var i = 0; i < ranking.Count; i++)
            {
                scores[ranking[i]] = scores.GetValueOrDefault(ranking[i]) + (weight / (K + ranks[i]));
            }
        }

        Add(semantic, Enumerable.Range(1, semantic.Count).ToList(), SemanticWeight);
        Add(lexical, lexicalScores is null ? Enumerable.Range(1, lexical.Count).ToList() : TiedRanks(lexicalScores, LexicalTieTolerance), LexicalWeight);
        foreach (var id in scores.Keys.ToList())
        {
            scores[id] /= best;
        }

        return scores;
    }

    private Dictionary<Guid, float> FuseScores(IReadOnlyList<Guid> semantic, IReadOnlyList<Guid> lexical, IReadOnlyList<float> lexicalScores, Func<Guid, float> similarity)
    {
        var bm25 = new Dictionary<Guid, float>(lexical.Count);
        for (var i = 0; i < lexical.Count; i++)
        {
            bm25.TryAdd(lexical[i], lexicalScores[i]);
        }

        var cosines = new Dictionary<Guid, float>(semantic.Count + lexical.Count);
        foreach (var id in semantic.Concat(lexical))
        {
            cosines.TryAdd(id, similarity(id));
        }

        if (cosines.Count == 0)
        {
            return [];
        }

        var (low, high) = (cosines.Values.Min(), cosines.Values.Max());
        var top = bm25.Count == 0 ? 0 : bm25.Values.Max();
        var best = Best;
        return cosines.ToDictionary(c => c.Key, c =>
        {
            var meaning = high > low ? (c.Value - low) / (high - low) : 1f;
            var words = top > 0 ? bm25.GetValueOrDefault(c.Key) / top : 0f;
            return ((SemanticWeight * meaning) + (LexicalWeight * words)) / best;
        });
    }

    /// <summary>Competition ranks (1, 1, 3, …) of scores sorted best first, where a score within <paramref name="tolerance"/> of its group's first ties with it.</summary>
    public static IReadOnlyList<int> TiedRanks(IReadOnlyList<float> scores, float tolerance)
    {
        var ranks = new int[scores.Count];
        var leader = 0;
        for (var i = 0; i < scores.Count; i++)
        {
            if (i > 0 && scores[leader] - scores[i] > tolerance * Math.Abs(scores[leader]))
            {
                leader = i;
            }

            ranks[i] = leader + 1;
        }

        return ranks;
    }
}
