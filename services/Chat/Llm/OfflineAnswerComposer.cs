using System.Text.RegularExpressions;
using CreatorChat.Chat.Model;
using CreatorChat.Chat.Text;

namespace CreatorChat.Chat.Llm;

/// <summary>
/// The offline model's mind: given what the pipeline's prompt says as data (the creator and the
/// numbered passages an LLM reads), composes a first-person answer from the most relevant sentences
/// of the passages, each group followed by its passage marker. Deterministic: the same prompt gives
/// the same answer.
/// </summary>
public static partial class OfflineAnswerComposer
{
    public const int MaxSentences = 4;
    public const int MaxWords = 120;

    /// <summary>
    /// Retrieval's confidence (a calibrated probability) from which passage [1] is more likely than not to answer the
    /// question: it is then answered from even when it shares few of the question's words (a fan's paraphrase found by
    /// meaning), and always cited. Below it, or when retrieval does not say, this model judges coverage by the question's
    /// words alone.
    /// </summary>
    public const double TrustedConfidence = 0.5;

    [GeneratedRegex(@"\[[^\]]*\]|\([^)]*\b(?:music|applause|laugh\w*|inaudible|whoosh\w*|chuckles?|sighs?|silence|upbeat|logo)\b[^)]*\)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex Annotations();

    private static readonly string[] Fillers =
        ["so, ", "so ", "and so ", "and ", "but ", "now, ", "now ", "well, ", "okay, ", "okay so ", "ok, ", "ok so ", "um, ", "uh, ", "alright, ", "all right, ", "yeah, "];

    /// <param name="previousQuestion">
    /// The fan's previous question when the prompt carries the conversation (a follow-up such as
    /// "and for how long?"): its terms count, at half weight, towards what the question is about.
    /// </param>
    public static string Compose(PromptContext context, string question, string? previousQuestion = null)
    {
        var normalized = TextAnalysis.NormalizeQuestion(question);
        if (SmallTalk(context, normalized) is { } reply)
        {
            return reply;
        }

        var weights = TextAnalysis.ContentTerms(question).ToDictionary(t => t, _ => 1.0);
        if (previousQuestion is not null)
        {
            foreach (var term in TextAnalysis.ContentTerms(previousQuestion))
            {
                weights.TryAdd(term, 0.5);
            }
        }

        if (weights.Count == 0)
        {
            return Introduce(context); // "who are you?"
        }

        var candidates = Candidates(context.Passages);
        if (candidates.Count == 0)
        {
            return NotCovered(context, normalized, null);
        }

        var idf = weights.ToDictionary(t => t.Key, t => t.Value * Math.Log(1 + (candidates.Count / (candidates.Count(c => c.Terms.Contains(t.Key)) + 0.5))));
        // A sentence counts for more when its whole passage (and video) is about the question.
        var relevance = candidates.GroupBy(c => c.Passage).ToDictionary(g => g.Key, g => Relevance(g, idf));
        Score(candidates, idf, relevance, context.Passages.Count);
        var best = candidates.MaxBy(c => c.Score)!;
        var covered = Coverage(candidates.Where(c => c.Passage == best.Passage), idf);
        // The best sentence of passage [1] when retrieval is sure of it.
        var trusted = context.Confidence >= TrustedConfidence ? candidates.Where(c => c.Passage == context.Passages[0]).MaxBy(c => c.Score) : null;
        if (best.Score <= 0 || covered < 0.34)
        {
            return trusted is not null
                ? Write(context, normalized, Choose(candidates.Where(c => c.Passage == trusted.Passage).ToList(), trusted))
                : NotCovered(context, normalized, best.Score > 0 ? best.Passage.Title : null);
        }

        // Other videos may add to the answer only when they speak to the question nearly as well.
        var bar = relevance[best.Passage] * 0.75;
        var chosen = Choose(candidates.Where(c => relevance[c.Passage] >= bar).ToList(), best);
        if (trusted is not null && !chosen.Any(c => c.Passage == trusted.Passage))
        {
            // The passage retrieval is sure of speaks too, in its best sentence (which may take the answer one sentence past MaxWords).
            if (chosen.Count >= MaxSentences)
            {
                chosen.RemoveAt(chosen.Count - 1);
            }

            chosen.Add(trusted);
        }

        return Write(context, normalized, chosen);
    }

    private sealed class Candidate(PromptPassage passage, int index, string text, HashSet<string> terms)
    {
        public PromptPassage Passage { get; } = passage;
        public int Index { get; } = index;
        public string Text { get; } = text;
        public HashSet<string> Terms { get; } = terms;
        public int WordCount { get; } = text.Count(c => c == ' ') + 1;
        public double Score { get; set; }
    }

    private static List<Candidate> Candidates(IReadOnlyList<PromptPassage> passages)
    {
        var candidates = new List<Candidate>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var passage in passages)
        {
            var sentences = TextAnalysis.SplitSentences(Annotations().Replace(passage.Text, " "));
            for (var i = 0; i < sentences.Count; i++)
            {
                var text = Clean(sentences[i]);
                // Overlapping chunks repeat sentences: keep the first (best-ranked) copy.
                if (text.Length < 12 || !seen.Add(TextAnalysis.NormalizeQuestion(text)))
                {
                    continue;
                }

                candidates.Add(new Candidate(passage, i, text, TextAnalysis.ContentTerms(text)));
            }
        }

        return candidates;
    }

    /// <summary>
    /// Relevance: the question terms a sentence shares, weighted by rarity among the retrieved
    /// sentences (so "the bread" matters less than "autolyse"), lightly normalised by length, with a
    /// small prior for the passages retrieval ranked first.
    /// </summary>
    private static void Score(List<Candidate> candidates, Dictionary<string, double> idf, Dictionary<PromptPassage, double> relevance, int passageCount)
    {
        var topRelevance = Math.Max(1e-9, relevance.Values.Max());
        foreach (var candidate in candidates)
        {
            var score = 0.0;
            foreach (var (term, weight) in idf)
            {
                if (candidate.Terms.Contains(term))
                {
                    score += weight;
                }
            }

            if (score > 0)
            {
                var lengthPenalty = Math.Sqrt(1 + (candidate.Terms.Count / 12.0));
                var rankPrior = 1 + (0.3 * (passageCount - candidate.Passage.Number + 1) / Math.Max(1, passageCount));
                var topical = relevance[candidate.Passage] / topRelevance;
                score = score / lengthPenalty * rankPrior * topical * topical;
            }

            candidate.Score = score;
        }
    }

    // What a passage is about: its sentences and its video's title.
    private static HashSet<string> Topic(IEnumerable<Candidate> passageSentences)
    {
        var sentences = passageSentences.ToList();
        var present = new HashSet<string>(sentences.SelectMany(c => c.Terms), StringComparer.Ordinal);
        if (sentences.Count > 0)
        {
            present.UnionWith(TextAnalysis.ContentTerms(sentences[0].Passage.Title));
        }

        return present;
    }

    private static double Relevance(IEnumerable<Candidate> passageSentences, Dictionary<string, double> idf)
    {
        var present = Topic(passageSentences);
        return idf.Where(t => present.Contains(t.Key)).Sum(t => t.Value);
    }

    /// <summary>How much of the question (by weight) the best passage speaks to.</summary>
    private static double Coverage(IEnumerable<Candidate> passageSentences, Dictionary<string, double> idf)
    {
        var present = Topic(passageSentences);
        double total = 0, covered = 0;
        foreach (var (term, weight) in idf)
        {
            total += weight;
            if (present.Contains(term))
            {
                covered += weight;
            }
        }

        return total == 0 ? 0 : covered / total;
    }

    private static List<Candidate> Choose(List<Candidate> candidates, Candidate best)
    {
        var chosen = new List<Candidate>();
        var words = 0;
        var perPassage = new Dictionary<int, int>();
        foreach (var candidate in candidates.Where(c => c.Score >= best.Score * 0.4).OrderByDescending(c => c.Score).ThenBy(c => c.Passage.Number))
        {
            if (chosen.Count >= MaxSentences || (chosen.Count > 0 && words + candidate.WordCount > MaxWords))
            {
                break;
            }

            if (perPassage.GetValueOrDefault(candidate.Passage.Number) >= (candidate.Passage == best.Passage ? 3 : 2))
            {
                continue;
            }

            chosen.Add(candidate);
            words += candidate.WordCount;
            perPassage[candidate.Passage.Number] = perPassage.GetValueOrDefault(candidate.Passage.Number) + 1;
        }

        // A short best sentence ("Here's the trick:") needs the sentence that follows it.
        if (best.WordCount < 10 || best.Text.EndsWith(':'))
        {
            var next = candidates.FirstOrDefault(c => c.Passage == best.Passage && c.Index == best.Index + 1);
            if (next is not null && !chosen.Contains(next) && words + next.WordCount <= MaxWords + 20)
            {
                chosen.Add(next);
            }
        }

        return chosen;
    }

    private static string Clean(string sentence)
    {
        var text = TextAnalysis.CollapseWhitespace(sentence);
        bool changed;
        do
        {
            changed = false;
            foreach (var filler in Fillers)
            {
                if (text.Length > filler.Length + 8 && text.StartsWith(filler, StringComparison.OrdinalIgnoreCase))
                {
                    text = text[filler.Length..];
                    changed = true;
                }
            }
        }
        while (changed);

        return text.Length > 0 && char.IsLower(text[0]) ? char.ToUpperInvariant(text[0]) + text[1..] : text;
    }
}
