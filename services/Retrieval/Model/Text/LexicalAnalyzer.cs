namespace CreatorChat.Retrieval.Model.Text;

/// <summary>
/// English tokenisation for the offline embedder: lower-cased letter/digit runs, stop words and
/// spoken fillers removed (they carry no topic: "what does the pipeline function do" is about
/// "pipeline function"), and a light suffix-stripping stemmer so that "tokenizers", "tokenizer" and
/// "tokenized" meet, without the aggressive conflations of a full Porter stemmer.
/// </summary>
public static class LexicalAnalyzer
{
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        // Function words.
        "a", "an", "the", "and", "or", "but", "nor", "so", "yet", "if", "then", "else", "than", "that", "this", "these", "those",
        "there", "here", "of", "to", "in", "on", "at", "by", "for", "with", "from", "into", "onto", "about", "as", "up", "down", "out",
        "off", "over", "under", "again", "once", "is", "am", "are", "was", "were", "be", "been", "being", "do", "does", "did", "doing",
        "done", "have", "has", "had", "having", "will", "would", "shall", "should", "can", "could", "may", "might", "must", "it", "its",
        "it's", "i", "me", "my", "mine", "we", "us", "our", "ours", "you", "your", "yours", "he", "him", "his", "she", "her", "hers",
        "they", "them", "their", "theirs", "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "all", "any", "both",
        "each", "few", "more", "most", "other", "some", "such", "no", "not", "only", "own", "same", "too", "very", "just", "also",
        "s", "t", "d", "ll", "m", "re", "ve", "don", "doesn", "didn", "isn", "aren", "wasn", "weren", "won", "wouldn", "couldn",
        "shouldn", "let", "lets", "because", "while", "during", "before", "after", "above", "below", "between", "through", "via",
        "whether", "itself", "myself", "yourself", "ourselves", "themselves", "himself", "herself", "whats", "thats", "theres",
        "im", "ive", "youre", "weve", "were", "theyre", "dont", "doesnt", "didnt", "cant", "wont", "isnt", "arent",
        // Spoken fillers common in transcripts.
        "um", "uh", "erm", "hmm", "oh", "okay", "ok", "yeah", "yes", "well", "like", "really", "actually", "basically", "gonna",
        "wanna", "gotta", "kind", "sort", "thing", "things", "stuff", "get", "got", "go", "going", "goes", "went", "see", "say",
        "said", "know", "think", "right", "now", "one", "way", "lot", "lots", "let's", "pretty", "much", "many", "even", "still",
        "something", "anything", "everything", "nothing", "someone", "anyone", "everyone", "maybe", "quite", "already", "every",
        "tell", "explain", "show", "mean", "means", "want", "need", "use", "used", "using", "make", "makes", "made", "look",
        "first", "next", "last", "new", "good", "great", "best", "please",
    };

    /// <summary>The content words of a text, stemmed, in order.</summary>
    public static List<string> ContentTerms(string text)
    {
        var terms = new List<string>();
        foreach (var token in Tokens(text))
        {
            if (token.Length == 0 || StopWords.Contains(token))
            {
                continue;
            }

            var stem = Stem(token);
            if (stem.Length > 0 && !StopWords.Contains(stem))
            {
                terms.Add(stem);
            }
        }

        return terms;
    }

    /// <summary>Lower-cased runs of letters and digits; an apostrophe inside a word is dropped ("don't" → "dont").</summary>
    public static IEnumerable<string> Tokens(string text)
    {
        var buffer = new System.Text.StringBuilder();
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : ' ';
            if (char.IsLetterOrDigit(c))
            {
                buffer.Append(char.ToLowerInvariant(c));
            }
            else if ((c == '\'' || c == '’') && buffer.Length > 0 && i + 1 < text.Length && char.IsLetter(text[i + 1]))
            {
                // inside a contraction or possessive: keep reading the same word
            }
            else if (buffer.Length > 0)
            {
                yield return buffer.ToString();
                buffer.Clear();
            }
        }
    }

    /// <summary>
    /// A conservative English stemmer: plural and verb endings (-s, -es, -ies, -ing, -ed), adverbial
    /// -ly and a few derivational endings, each only when a reasonable stem (≥ 3 letters) remains.
    /// </summary>
    public static string Stem(string word)
    {
        if (word.Length <= 3 || !word.All(char.IsLetter))
        {
            return word;
        }

        var w = word;
        if (w.EndsWith("ies", StringComparison.Ordinal) && w.Length > 4)
        {
            w = w[..^3] + "y";
        }
        else if (w.EndsWith("sses", StringComparison.Ordinal))
        {
            w = w[..^2];
        }
        else if ((w.EndsWith("xes", StringComparison.Ordinal) || w.EndsWith("ches", StringComparison.Ordinal) || w.EndsWith("shes", StringComparison.Ordinal)) && w.Length > 5)
        {
            w = w[..^2];
        }
        else if (w.EndsWith('s') && !w.EndsWith("ss", StringComparison.Ordinal) && !w.EndsWith("us", StringComparison.Ordinal) && !w.EndsWith("is", StringComparison.Ordinal) && w.Length > 3)
        {
            w = w[..^1];
        }

        foreach (var (suffix, replacement) in Derivations)
        {
            if (w.EndsWith(suffix, StringComparison.Ordinal) && w.Length - suffix.Length >= 4)
            {
                w = w[..^suffix.Length] + replacement;
                break;
            }
        }

        if (w.EndsWith("ing", StringComparison.Ordinal) && w.Length >= 6 && HasVowel(w.AsSpan(0, w.Length - 3)))
        {
            w = UndoubleOrRestoreE(w[..^3]);
        }
        else if (w.EndsWith("ed", StringComparison.Ordinal) && w.Length >= 5 && HasVowel(w.AsSpan(0, w.Length - 2)))
        {
            w = UndoubleOrRestoreE(w[..^2]);
        }
        else if (w.EndsWith("ly", StringComparison.Ordinal) && w.Length >= 6)
        {
            w = w[..^2];
        }

        if (w.EndsWith('e') && w.Length >= 4 && !w.EndsWith("ee", StringComparison.Ordinal))
        {
            w = w[..^1]; // "tokenize"/"tokeniz(ing)" and "bake"/"bak(ing)" meet
        }

        return w;
    }

    private static readonly (string Suffix, string Replacement)[] Derivations =
    [
        ("izations", "ize"), ("ization", "ize"), ("isation", "ize"), ("ational", "ate"), ("ations", "ate"), ("ation", "ate"),
        ("fulness", "ful"), ("iveness", "ive"), ("ements", "e"), ("ement", "e"), ("ness", ""), ("izer", "ize"), ("iser", "ize"),
    ];

    private static bool HasVowel(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (c is 'a' or 'e' or 'i' or 'o' or 'u' or 'y')
            {
                return true;
            }
        }

        return false;
    }

    private static string UndoubleOrRestoreE(string stem)
    {
        // "stopp" → "stop", "runn" → "run"; keep "ll", "ss", "zz" ("fall", "pass", "buzz").
        if (stem.Length >= 3 && stem[^1] == stem[^2] && stem[^1] is not ('l' or 's' or 'z') && !HasVowel(stem.AsSpan(^1)))
        {
            return stem[..^1];
        }

        return stem;
    }
}
