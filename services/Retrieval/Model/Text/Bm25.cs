namespace CreatorChat.Retrieval.Model.Text;

/// <summary>
/// Okapi BM25 over <see cref="LexicalAnalyzer.ContentTerms"/> (case, punctuation and Unicode folded,
/// stop words dropped, simple inflections stemmed). A passage is encoded once, when it is stored, as its
/// terms with their saturated, length-normalised frequency; the inverse document frequency is applied at
/// search time over the creator's passages (by the embedded store, or by Qdrant's <c>idf</c> modifier),
/// so adding a video never re-encodes the others. The length normalisation uses a fixed average length,
/// as Qdrant's BM25 does: chunks are cut to similar sizes, so the true average differs little.
/// </summary>
public static class Bm25
{
    public const float K1 = 1.2f;
    public const float B = 0.75f;

    /// <summary>Content terms in a typical chunk with its title (measured over the HF course captions: 55–65).</summary>
    public const float AverageLength = 60f;

    public static SparseVector Passage(string title, string text)
    {
        var terms = LexicalAnalyzer.ContentTerms(title + "\n" + text);
        var counts = new Dictionary<uint, int>();
        foreach (var term in terms)
        {
            var index = TermIndex(term);
            counts[index] = counts.GetValueOrDefault(index) + 1;
        }

        var norm = K1 * (1 - B + (B * terms.Count / AverageLength));
        return Build(counts.Select(c => (c.Key, c.Value * (K1 + 1) / (c.Value + norm))));
    }

    /// <summary>A question's distinct terms, each of weight 1: the score of a passage is the sum of idf × passage weight.</summary>
    public static SparseVector Query(string text) =>
        Build(LexicalAnalyzer.ContentTerms(text).Select(TermIndex).Distinct().Select(i => (i, 1f)));

    /// <summary>Robertson–Spärck Jones idf, never negative (the "+1" of Lucene and Qdrant).</summary>
    public static float Idf(long documents, long withTerm) =>
        MathF.Log(1 + ((documents - withTerm + 0.5f) / (withTerm + 0.5f)));

    /// <summary>FNV-1a of the term: stable across processes and versions, unlike string.GetHashCode.</summary>
    public static uint TermIndex(string term)
    {
        var hash = 2166136261u;
        foreach (var c in term)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }

    private static SparseVector Build(IEnumerable<(uint Index, float Value)> entries)
    {
        var sorted = entries.OrderBy(e => e.Index).ToArray();
        return sorted.Length == 0 ? SparseVector.Empty : new SparseVector(sorted.Select(e => e.Index).ToArray(), sorted.Select(e => e.Value).ToArray());
    }
}
