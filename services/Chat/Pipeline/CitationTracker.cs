using System.Globalization;
using System.Text;
using CreatorChat.Chat.Model;
using CreatorChat.Chat.Text;

namespace CreatorChat.Chat.Pipeline;

/// <summary>
/// Follows the model's streamed text and turns its passage references into citations.
/// </summary>
/// <remarks>
/// <para>References are renumbered in order of first appearance, so the answer's markers read
/// [1], [2], … and the n-th citation is [n], whichever passages the model chose. A marker may list
/// several passages (<c>[1, 3]</c>). References to passages that do not exist are removed from the
/// text: a fan must be able to check every marker.</para>
/// <para>Works on a stream: a marker split across fragments (<c>"[" "2" "]"</c>) is held back until it
/// is complete, and everything else passes through at once.</para>
/// </remarks>
public sealed class CitationTracker(IReadOnlyList<Passage> passages)
{
    private const int MaxMarkerLength = 24;

    private readonly StringBuilder _answer = new();
    private readonly StringBuilder _pending = new();
    private readonly List<int> _order = [];            // original passage numbers, in first-use order
    private readonly Dictionary<int, int> _renumbered = [];

    /// <summary>The transformed answer text so far.</summary>
    public string Text => _answer.ToString();

    public int CitedCount => _order.Count;

    /// <summary>Feeds one fragment of model output; returns the text that can be shown now.</summary>
    public string Append(string fragment)
    {
        var output = new StringBuilder(fragment.Length + 4);
        Process(fragment, output);
        var text = output.ToString();
        _answer.Append(text);
        return text;
    }

    private void Process(string fragment, StringBuilder output)
    {
        foreach (var c in fragment)
        {
            if (_pending.Length == 0)
            {
                if (c == '[')
                {
                    _pending.Append(c);
                }
                else
                {
                    output.Append(c);
                }

                continue;
            }

            _pending.Append(c);
            if (c == ']')
            {
                output.Append(ResolveMarker(_pending.ToString()));
                _pending.Clear();
            }
            else if (!(char.IsAsciiDigit(c) || c is ',' or ' ') || _pending.Length > MaxMarkerLength)
            {
                // Not a passage marker ("[note]", "[ ]"…): it is ordinary text.
                var literal = _pending.ToString();
                _pending.Clear();
                output.Append(literal[0]);
                Process(literal[1..], output); // the rest may hold a real marker: "[a [1]"
            }
        }
    }

    /// <summary>Ends the stream: anything held back is released as text.</summary>
    public string Complete()
    {
        var rest = _pending.ToString();
        _pending.Clear();
        _answer.Append(rest);
        return rest;
    }

    private string ResolveMarker(string marker)
    {
        var inner = marker[1..^1];
        var numbers = new List<int>();
        foreach (var part in inner.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var original))
            {
                return marker; // "[1 2]": not a marker we understand; leave it
            }

            if (original < 1 || original > passages.Count)
            {
                continue; // a passage that does not exist: drop the reference
            }

            if (!_renumbered.TryGetValue(original, out var number))
            {
                _order.Add(original);
                number = _order.Count;
                _renumbered[original] = number;
            }

            if (!numbers.Contains(number))
            {
                numbers.Add(number);
            }
        }

        if (inner.Trim().Length == 0)
        {
            return marker;
        }

        return numbers.Count == 0 ? "" : "[" + string.Join(", ", numbers) + "]";
    }

    /// <summary>
    /// The citations of the answer so far, in marker order. Each quote is the transcript sentence
    /// that best matches the answer sentences carrying that marker.
    /// </summary>
    public IReadOnlyList<Citation> Citations()
    {
        if (_order.Count == 0)
        {
            return [];
        }

        var answerSentences = TextAnalysis.SplitSentences(_answer.ToString());
        var citations = new List<Citation>(_order.Count);
        for (var i = 0; i < _order.Count; i++)
        {
            var number = i + 1;
            var passage = passages[_order[i] - 1];
            var claims = new StringBuilder();
            for (var s = 0; s < answerSentences.Count; s++)
            {
                if (CarriesMarker(answerSentences[s], number))
                {
                    // "… knead it well. [1]": a marker that opens a sentence belongs to the one before.
                    if (s > 0 && answerSentences[s].StartsWith('['))
                    {
                        claims.Append(answerSentences[s - 1]).Append(' ');
                    }

                    claims.Append(answerSentences[s]).Append(' ');
                }
            }

            citations.Add(new Citation(
                number, passage.VideoId, passage.Title, passage.StartSeconds, passage.Url, QuoteFor(passage, claims.ToString())));
        }

        return citations;
    }

    public const int MaxQuoteLength = 300;

    /// <summary>The sentence of <paramref name="passage"/> that shares the most content with <paramref name="claims"/>.</summary>
    public static string QuoteFor(Passage passage, string claims)
    {
        var sentences = TextAnalysis.SplitSentences(TextAnalysis.CollapseWhitespace(passage.Text));
        if (sentences.Count == 0)
        {
            return "";
        }

        var claimTerms = TextAnalysis.ContentTerms(claims);
        var best = 0;
        var bestScore = -1.0;
        for (var i = 0; i < sentences.Count; i++)
        {
            var terms = TextAnalysis.ContentTerms(sentences[i]);
            var shared = terms.Count(claimTerms.Contains);
            var score = shared == 0 ? 0 : shared / Math.Sqrt(terms.Count + 1.0);
            if (score > bestScore + 1e-9)
            {
                best = i;
                bestScore = score;
            }
        }

        var quote = sentences[best];
        if (quote.Length < 60 && best + 1 < sentences.Count)
        {
            quote += " " + sentences[best + 1]; // a very short sentence alone is no evidence
        }

        return TextAnalysis.Truncate(quote, MaxQuoteLength);
    }

    private static bool CarriesMarker(string sentence, int number)
    {
        var at = 0;
        while ((at = sentence.IndexOf('[', at)) >= 0)
        {
            var close = sentence.IndexOf(']', at);
            if (close < 0)
            {
                return false;
            }

            foreach (var part in sentence[(at + 1)..close].Split(',', StringSplitOptions.TrimEntries))
            {
                if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n == number)
                {
                    return true;
                }
            }

            at = close + 1;
        }

        return false;
    }
}
