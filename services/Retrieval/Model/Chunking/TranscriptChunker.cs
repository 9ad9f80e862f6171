using System.Text;
using CreatorChat.Retrieval.Model.Captions;

namespace CreatorChat.Retrieval.Model.Chunking;

/// <summary>
/// Merges caption cues into chunks of a few sentences. Cue boundaries rarely match sentence
/// boundaries, so cues are first turned into a stream of words, each placed in time by its position
/// in its cue; the stream is cut into sentences (punctuation, long pauses, or length for captions
/// without punctuation), and sentences are packed into chunks of bounded length that overlap by one
/// short sentence, so an idea that straddles two chunks is still found whole in one of them.
/// </summary>
public static class TranscriptChunker
{
    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "mr.", "mrs.", "ms.", "dr.", "prof.", "st.", "vs.", "e.g.", "i.e.", "approx.", "no.", "fig.", "cf.", "jr.", "sr.",
    };

    public static IReadOnlyList<TranscriptChunk> Chunk(IReadOnlyList<Cue> cues, ChunkingOptions? options = null)
    {
        options ??= ChunkingOptions.Default;
        var sentences = SplitSentences(Words(cues), options);
        return Pack(sentences, options);
    }

    internal readonly record struct Word(string Text, double Start, double End, bool EndsCue, double GapAfter);

    internal static List<Word> Words(IReadOnlyList<Cue> cues)
    {
        var words = new List<Word>();
        for (var c = 0; c < cues.Count; c++)
        {
            var cue = cues[c];
            var text = cue.Text;
            var duration = Math.Max(0, cue.End - cue.Start);
            var gap = c + 1 < cues.Count ? cues[c + 1].Start - cue.End : double.PositiveInfinity;
            var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var offset = 0;
            for (var i = 0; i < parts.Length; i++)
            {
                var at = text.IndexOf(parts[i], offset, StringComparison.Ordinal);
                offset = at + parts[i].Length;
                var start = cue.Start + (duration * at / text.Length);
                var end = cue.Start + (duration * offset / text.Length);
                var last = i == parts.Length - 1;
                words.Add(new Word(parts[i], start, end, last, last ? gap : 0));
            }
        }

        return words;
    }

    internal static List<List<Word>> SplitSentences(List<Word> words, ChunkingOptions options)
    {
        var sentences = new List<List<Word>>();
        var current = new List<Word>();
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            current.Add(word);
            var next = i + 1 < words.Count ? words[i + 1].Text : null;
            var end = EndsSentence(word.Text, next)
                      || (word.EndsCue && word.GapAfter >= options.PauseSeconds)
                      || (word.EndsCue && current.Count >= options.SoftSentenceWords)
                      || current.Count >= options.SoftSentenceWords * 2;
            if (end)
            {
                sentences.Add(current);
                current = [];
            }
        }

        if (current.Count > 0)
        {
            sentences.Add(current);
        }

        return sentences;
    }

    internal static bool EndsSentence(string word, string? next)
    {
        var core = word.TrimEnd('"', '\'', ')', ']', '”', '’', '»');
        if (core.Length == 0 || core[^1] is not ('.' or '!' or '?' or '…'))
        {
            return false;
        }

        if (core[^1] == '.' && (Abbreviations.Contains(core) || (core.Length == 2 && char.IsLetter(core[0]))))
        {
            return false; // "Dr." or an initial such as "J."
        }

        // "3.5" never gets here (no trailing dot); "... and then." followed by a lower-case word is usually a
        // transcription artefact, still a break. Only an ellipsis running into lower case continues.
        return next is null || core[^1] != '…' || !char.IsLower(next[0]);
    }

    private static List<TranscriptChunk> Pack(List<List<Word>> sentences, ChunkingOptions options)
    {
        // Sentences longer than a chunk are cut into pieces at word boundaries first.
        var pieces = new List<List<Word>>();
        foreach (var sentence in sentences)
        {
            var piece = new List<Word>();
            var length = 0;
            foreach (var word in sentence)
            {
                if (piece.Count > 0 && length + 1 + word.Text.Length > options.MaxChars)
                {
                    pieces.Add(piece);
                    piece = [];
                    length = 0;
                }

                length += (piece.Count > 0 ? 1 : 0) + word.Text.Length;
                piece.Add(word);
            }

            if (piece.Count > 0)
            {
                pieces.Add(piece);
            }
        }

        var chunks = new List<List<List<Word>>>();
        var chunk = new List<List<Word>>();
        var chars = 0;
        foreach (var piece in pieces)
        {
            var pieceChars = Length(piece);
            if (chunk.Count > 0 && (chars >= options.TargetChars || chars + 1 + pieceChars > options.MaxChars))
            {
                chunks.Add(chunk);
                var last = chunk[^1];
                var overlap = chunk.Count > 1 && Length(last) <= options.MaxOverlapChars && Length(last) + 1 + pieceChars <= options.MaxChars;
                chunk = overlap ? [last] : [];
                chars = overlap ? Length(last) : 0;
            }

            chars += (chunk.Count > 0 ? 1 : 0) + pieceChars;
            chunk.Add(piece);
        }

        if (chunk.Count > 0)
        {
            var onlyOverlap = chunks.Count > 0 && chunk.Count == 1 && ReferenceEquals(chunk[0], chunks[^1][^1]);
            if (!onlyOverlap)
            {
                chunks.Add(chunk);
            }
        }

        // A short tail joins the chunk before it when both fit in one.
        if (chunks.Count >= 2)
        {
            var tail = chunks[^1];
            var before = chunks[^2];
            var tailNew = tail.Where(s => !before.Contains(s)).ToList();
            if (Length(tail.SelectMany(s => s)) < options.MinChars &&
                Length(before.SelectMany(s => s)) + 1 + Length(tailNew.SelectMany(s => s)) <= options.MaxChars)
            {
                before.AddRange(tailNew);
                chunks.RemoveAt(chunks.Count - 1);
            }
        }

        var result = new List<TranscriptChunk>(chunks.Count);
        foreach (var sentencesOfChunk in chunks)
        {
            var words = sentencesOfChunk.SelectMany(s => s).ToList();
            var text = new StringBuilder();
            foreach (var word in words)
            {
                if (text.Length > 0)
                {
                    text.Append(' ');
                }

                text.Append(word.Text);
            }

            result.Add(new TranscriptChunk(result.Count, Math.Round(words[0].Start, 3), Math.Round(words[^1].End, 3), text.ToString()));
        }

        return result;
    }

    private static int Length(IEnumerable<Word> words)
    {
        var length = 0;
        var first = true;
        foreach (var word in words)
        {
            length += (first ? 0 : 1) + word.Text.Length;
            first = false;
        }

        return length;
    }
}
