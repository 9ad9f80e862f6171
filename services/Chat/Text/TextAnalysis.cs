using System.Collections.Frozen;
using System.Globalization;
using System.Text;

namespace CreatorChat.Chat.Text;

/// <summary>
/// The small amount of language handling chat needs: normalising questions (cache keys, insights),
/// content terms (the offline model's relevance scoring, quote selection) and sentence splitting.
/// Deterministic and allocation-light: it runs on every turn.
/// </summary>
public static class TextAnalysis
{
    public const int MaxKeyLength = 500;

    private static readonly FrozenSet<string> Stopwords = new[]
    {
        "a", "about", "above", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "because",
        "been", "before", "being", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "done", "down",
        "during", "each", "either", "enough", "even", "ever", "every", "few", "for", "from", "further", "get", "gets", "getting", "go",
        "going", "gonna", "got", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself",
        "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "know", "let", "like", "lot", "make",
        "makes", "may", "me", "might", "more", "most", "much", "must", "my", "myself", "no", "nor", "not", "now", "of", "off",
        "ok", "okay", "on", "once", "one", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "really",
        "right", "same", "say", "see", "she", "should", "so", "some", "such", "tell", "than", "that", "the", "their", "theirs",
        "them", "themselves", "then", "there", "these", "they", "thing", "things", "think", "this", "those", "through", "to",
        "too", "um", "uh", "under", "until", "up", "us", "use", "used", "using", "very", "want", "was", "way", "we", "well",
        "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "yeah", "yes", "you",
        "your", "yours", "yourself", "yourselves", "s", "t", "ll", "re", "ve", "d", "m", "don", "doesn", "didn", "isn",
        "aren", "wasn", "weren", "won", "wouldn", "shouldn", "couldn", "can't", "video", "videos", "please", "hi", "hey", "hello",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// The identity of a question for caching and insights: Unicode-normalised, lower case, letters
    /// and digits only, single spaces. "How do I  knead dough?" and "how do i knead dough" are one key.
    /// </summary>
    public static string NormalizeQuestion(string text)
    {
        var normalized = text.Normalize(NormalizationForm.FormKC);
        var builder = new StringBuilder(Math.Min(normalized.Length, MaxKeyLength));
        var pendingSpace = false;
        foreach (var original in normalized.EnumerateRunes())
        {
            // Full-width ASCII (common from CJK keyboards) folds to ASCII even where the runtime has no Unicode normalisation data.
            var rune = original.Value is >= 0xFF01 and <= 0xFF5E ? new Rune(original.Value - 0xFEE0) : original;
            if (Rune.IsLetterOrDigit(rune))
            {
                if (pendingSpace && builder.Length > 0)
                {
                    builder.Append(' ');
                }

                pendingSpace = false;
                builder.Append(Rune.ToLowerInvariant(rune).ToString());
                if (builder.Length >= MaxKeyLength)
                {
                    break;
                }
            }
            else if (rune.Value == '\'' || rune.Value == '\u2019')
            {
                // "don't" and "dont" are the same question.
            }
            else
            {
                pendingSpace = true;
            }
        }

        return builder.ToString();
    }

    /// <summary>Lower-cased words (letters, digits, inner apostrophes/hyphens), in order.</summary>
    public static List<string> Words(string text)
    {
        var words = new List<string>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : ' ';
            var inWord = char.IsLetterOrDigit(c) ||
                         ((c is '\'' or '\u2019' or '-') && start >= 0 && i + 1 < text.Length && char.IsLetterOrDigit(text[i + 1]));
            if (inWord)
            {
                if (start < 0)
                {
                    start = i;
                }
            }
            else if (start >= 0)
            {
                words.Add(text[start..i].Replace('\u2019', '\'').ToLowerInvariant());
                start = -1;
            }
        }

        return words;
    }

    /// <summary>Distinct stemmed content words: what a passage or question is about.</summary>
    public static HashSet<string> ContentTerms(string text)
    {
        var terms = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in Words(text))
        {
            var bare = word.Contains('\'', StringComparison.Ordinal) ? word[..word.IndexOf('\'', StringComparison.Ordinal)] : word;
            if (bare.Length < 2 || Stopwords.Contains(bare) || Stopwords.Contains(word))
            {
                continue;
            }

            terms.Add(Stem(bare));
        }

        return terms;
    }

    /// <summary>A light suffix stripper: enough for "proofing"/"proofed"/"proofs" to meet.</summary>
    public static string Stem(string word)
    {
        if (word.Length <= 3 || word.Any(char.IsDigit))
        {
            return word;
        }

        var stem = word;
        foreach (var suffix in StemSuffixes)
        {
            if (word.Length - suffix.Length < 3 || !word.EndsWith(suffix, StringComparison.Ordinal))
            {
                continue;
            }

            if (suffix == "s" && (word.EndsWith("ss", StringComparison.Ordinal) || word.EndsWith("us", StringComparison.Ordinal) || word.EndsWith("is", StringComparison.Ordinal)))
            {
                break;
            }

            stem = word[..^suffix.Length];
            if (suffix is "ies" or "ied")
            {
                stem += "y";
            }
            else if (suffix == "es" && !(stem.EndsWith('s') || stem.EndsWith('x') || stem.EndsWith('z') ||
                                         stem.EndsWith("ch", StringComparison.Ordinal) || stem.EndsWith("sh", StringComparison.Ordinal)))
            {
                stem = word[..^1]; // "tables" -> "table", but "boxes" -> "box"
            }

            if (stem.Length >= 4 && stem[^1] == stem[^2] && stem[^1] is not ('l' or 's' or 'z' or 'e'))
            {
                stem = stem[..^1]; // "stopped" -> "stop"
            }

            break;
        }

        return stem.Length >= 4 && stem[^1] == 'e' ? stem[..^1] : stem; // "bake" and "baking" meet at "bak"
    }

    private static readonly string[] StemSuffixes =
        ["ational", "ization", "ations", "ation", "ments", "ment", "ness", "ings", "ing", "edly", "ies", "ied", "ers", "er", "ed", "ly", "es", "s"];

    /// <summary>
    /// Splits transcript text into sentences at . ! ? (and …) followed by white space, keeping
    /// abbreviations such as "e.g." and decimals such as "3.5" inside their sentence.
    /// </summary>
    public static List<string> SplitSentences(string text)
    {
        var sentences = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is not ('.' or '!' or '?' or '…'))
            {
                continue;
            }

            var end = i + 1;
            while (end < text.Length && text[end] is '.' or '!' or '?' or '"' or '\'' or ')' or '\u201D' or '\u2019')
            {
                end++;
            }

            if (end < text.Length && !char.IsWhiteSpace(text[end]))
            {
                continue;
            }

            if (c == '.' && IsAbbreviation(text, start, i))
            {
                continue;
            }

            Add(sentences, text, start, end);
            start = end;
            i = end - 1;
        }

        Add(sentences, text, start, text.Length);
        return sentences;
    }

    private static void Add(List<string> sentences, string text, int start, int end)
    {
        var sentence = text[start..end].Trim();
        if (sentence.Length > 0)
        {
            sentences.Add(sentence);
        }
    }

    private static bool IsAbbreviation(string text, int sentenceStart, int dot)
    {
        var wordStart = dot;
        while (wordStart > sentenceStart && !char.IsWhiteSpace(text[wordStart - 1]))
        {
            wordStart--;
        }

        var word = text[wordStart..dot].ToLowerInvariant();
        return word is "e.g" or "i.e" or "etc" or "vs" or "mr" or "mrs" or "ms" or "dr" or "st" or "approx" or "min" or "no"
               || (word.Length == 1 && char.IsLetter(word[0]));
    }

    /// <summary>Collapses all white space (including new lines) to single spaces.</summary>
    public static string CollapseWhitespace(string text)
    {
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                space = builder.Length > 0;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    /// <summary>Cuts text to at most <paramref name="max"/> characters at a word boundary, with an ellipsis.</summary>
    public static string Truncate(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var cut = text.LastIndexOf(' ', Math.Max(0, max - 1));
        if (cut < max / 2)
        {
            cut = TextElementBoundaryAtOrBefore(text, max - 1);
        }

        return text[..cut].TrimEnd(' ', ',', ';', ':', '-') + "…";
    }

    /// <summary>The last boundary between text elements (grapheme clusters) at or before <paramref name="limit"/>: a cut there never splits a surrogate pair or an emoji sequence.</summary>
    public static int TextElementBoundaryAtOrBefore(string text, int limit)
    {
        var boundary = 0;
        while (boundary < text.Length)
        {
            var next = boundary + StringInfo.GetNextTextElementLength(text, boundary);
            if (next > limit)
            {
                break;
            }

            boundary = next;
        }

        return boundary;
    }

    /// <summary>"125.4" seconds as "2:05" (or "1:02:05").</summary>
    public static string FormatTimestamp(double seconds)
    {
        var total = (int)Math.Max(0, Math.Floor(seconds));
        var hours = total / 3600;
        var minutes = total / 60 % 60;
        var secs = total % 60;
        return hours > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{hours}:{minutes:00}:{secs:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{minutes}:{secs:00}");
    }
}
