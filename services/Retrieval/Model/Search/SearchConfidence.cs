using CreatorChat.Retrieval.Model.Text;

namespace CreatorChat.Retrieval.Model.Search;

/// <summary>
/// How likely a passage answers the question (0..1): a logistic model over the two kinds of evidence —
/// the cosine similarity of the passage to the question (semantic) and the share of the question's
/// content words the passage contains (lexical coverage). Ranks say which passage is best; this says
/// whether the best is good enough, which a fixed score cut cannot (cosines of unrelated text differ
/// from model to model, and a cut empties result lists). Chat decides "the videos don't cover this" on
/// the top passage's confidence. The coefficients are fitted (logistic regression, classes balanced) on the dev split of
/// the HF-course question set, covered questions against out-of-scope ones (<c>benchmarks -- retrieval-quality</c>
/// prints the fit, its calibration and the held-out figures) for the default model; they are settings,
/// so another embedding model gets its own fit.
/// </summary>
public sealed record SearchConfidence(double Intercept, double Similarity, double Coverage)
{
    /// <summary>Fitted for arctic-xs (class-balanced logistic regression on the dev split; label: a video covers the question).</summary>
    public static SearchConfidence Default { get; } = new(Intercept: -8.83, Similarity: 8.41, Coverage: 7.9);

    public double Estimate(double similarity, double coverage) =>
        1 / (1 + Math.Exp(-(Intercept + (Similarity * similarity) + (Coverage * coverage))));

    /// <summary>The share (0..1) of the question's distinct content terms that occur in the passage or its title.</summary>
    public static double CoverageOf(IReadOnlyCollection<string> questionTerms, ChunkPayload payload)
    {
        if (questionTerms.Count == 0)
        {
            return 0;
        }

        var passage = LexicalAnalyzer.ContentTerms(payload.Title + "\n" + payload.Text).ToHashSet(StringComparer.Ordinal);
        return questionTerms.Count(passage.Contains) / (double)questionTerms.Count;
    }
}
