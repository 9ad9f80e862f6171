// Over 300 lines on purpose: one tolerant parser for SRT, WebVTT and plain text whose formats share block recovery, timestamps, issue reporting and the removal of rolling-caption repeats.
using System.Globalization;
using System.Text.RegularExpressions;

namespace CreatorChat.Retrieval.Model.Captions;

/// <summary>
/// Reads SRT, WebVTT and plain-text transcripts as they come out of real tools: a byte-order mark,
/// CRLF or CR line ends, missing cue numbers or blank lines, overlapping or unordered cues, markup
/// (<c>&lt;i&gt;</c>, <c>&lt;c.color&gt;</c>, karaoke timestamps), sound annotations, and the rolling
/// captions of YouTube's automatic subtitles, where every cue repeats the line before it.
/// Damaged blocks are skipped and reported instead of failing the whole file.
/// </summary>
public static partial class CaptionParser
{
    /// <summary>Words per second of ordinary speech, to place untimed plain text on a timeline.</summary>
    public const double SpeechWordsPerSecond = 2.5;

    // 00:01:02,500 --> 00:01:04,000 (SRT), 01:02.500 --> 01:04.000 align:start (WebVTT); hours optional, ',' or '.'.
    [GeneratedRegex(@"^\s*(?<start>(?:\d+:)?\d{1,2}:\d{1,2}(?:[,.]\d{1,3})?)\s*-->\s*(?<end>(?:\d+:)?\d{1,2}:\d{1,2}(?:[,.]\d{1,3})?)(?:\s+.*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex TimingLine();

    // A plain-text timestamp on its own line ("1:23", "[01:02:03]") or leading a line ("[1:23] text", "01:23 text").
    [GeneratedRegex(@"^\s*[\[(]?(?<time>(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?)[\])]?(?:\s+(?<text>.*))?$", RegexOptions.CultureInvariant)]
    private static partial Regex TextTimestamp();

    public static CaptionParseResult Parse(string transcript, CaptionFormat format)
    {
        ArgumentNullException.ThrowIfNull(transcript);
        var lines = SplitLines(transcript);
        return format == CaptionFormat.Text ? ParseText(lines) : ParseTimed(lines, format);
    }

    public static string[] SplitLines(string transcript)
    {
        var text = transcript.Replace("\uFEFF", "", StringComparison.Ordinal);
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        return text.Split('\n');
    }

    private static CaptionParseResult ParseTimed(string[] lines, CaptionFormat format)
    {
        var issues = new List<CaptionIssue>();
        var raw = new List<Cue>();
        var malformed = 0;

        var index = 0;
        if (format == CaptionFormat.Vtt)
        {
            index = SkipVttHeader(lines, issues);
        }

        RawCue? current = null;
        var skipping = false; // inside a block that is being discarded (damaged cue, NOTE, STYLE, REGION, stray text)

        void Flush()
        {
            if (current is { } cue)
            {
                var text = CaptionText.Clean(cue.Lines);
                if (text.Length > 0)
                {
                    raw.Add(new Cue(cue.Start, cue.End, text));
                }
            }

            current = null;
        }

        for (; index < lines.Length; index++)
        {
            var line = lines[index];
            var lineNumber = index + 1;
            var trimmed = line.Trim();

            if (TimingLine().Match(line) is { Success: true } timing)
            {
                Flush();
                skipping = false;
                if (!TryParseTimestamp(timing.Groups["start"].Value, out var start) || !TryParseTimestamp(timing.Groups["end"].Value, out var end))
                {
                    malformed++;
                    Report(issues, lineNumber, $"unreadable timestamp in '{Shorten(trimmed)}'");
                    skipping = true;
                }
                else if (end < start)
                {
                    malformed++;
                    Report(issues, lineNumber, $"the cue ends before it starts ('{Shorten(trimmed)}')");
                    skipping = true;
                }
                else
                {
                    current = new RawCue(start, end);
                }

                continue;
            }

            if (trimmed.Contains("->", StringComparison.Ordinal))
            {
                Flush();
                malformed++;
                Report(issues, lineNumber, $"unreadable timing line '{Shorten(trimmed)}'");
                skipping = true;
                continue;
            }

            // A blank line ends a cue. In WebVTT only a truly empty one does: YouTube's rolling captions put a
            // line holding a single space inside cues. SRT files from sloppy tools end cues with spaces too.
            if (format == CaptionFormat.Vtt ? line.Length == 0 : trimmed.Length == 0)
            {
                Flush();
                skipping = false;
                continue;
            }

            if (skipping)
            {
                continue;
            }

            if (current is null)
            {
                // Between cues: a cue number (SRT), a cue identifier (WebVTT), a comment block, or stray text.
                if (format == CaptionFormat.Vtt && (trimmed.StartsWith("NOTE", StringComparison.Ordinal) ||
                                                    trimmed.StartsWith("STYLE", StringComparison.Ordinal) ||
                                                    trimmed.StartsWith("REGION", StringComparison.Ordinal)))
                {
                    skipping = true;
                }
                else if (!IsDigits(trimmed) && !NextLineIsTiming(lines, index))
                {
                    malformed++;
                    Report(issues, lineNumber, $"text without a timing line: '{Shorten(trimmed)}'");
                    skipping = true;
                }

                continue;
            }

            // Inside a cue. A number directly followed by a timing line is the next cue's index (blank line missing).
            if (IsDigits(trimmed) && NextLineIsTiming(lines, index))
            {
                Flush();
                continue;
            }

            current.Lines.Add(line);
        }

        Flush();
        return new CaptionParseResult(RemoveRepeats(raw), issues, malformed);
    }

    private static int SkipVttHeader(string[] lines, List<CaptionIssue> issues)
    {
        var index = 0;
        while (index < lines.Length && lines[index].Trim().Length == 0)
        {
            index++;
        }

        if (index < lines.Length && lines[index].TrimStart().StartsWith("WEBVTT", StringComparison.Ordinal))
        {
            // The header block runs to the first blank line (it may carry metadata such as "Kind: captions").
            while (index < lines.Length && lines[index].Trim().Length > 0 && !TimingLine().IsMatch(lines[index]))
            {
                index++;
            }

            return index;
        }

        Report(issues, index + 1, "missing the 'WEBVTT' header (read anyway)");
        return index;
    }

    private static CaptionParseResult ParseText(string[] lines)
    {
        var issues = new List<CaptionIssue>();
        var timed = new List<(double Start, List<string> Lines)>();
        var untimed = new List<string>();
        var sawTimestamp = false;

        foreach (var line in lines)
        {
            if (line.Trim().Length == 0)
            {
                if (!sawTimestamp && untimed.Count > 0 && untimed[^1].Length > 0)
                {
                    untimed.Add(""); // paragraph break
                }

                continue;
            }

            if (TextTimestamp().Match(line) is { Success: true } stamp && TryParseTimestamp(stamp.Groups["time"].Value, out var time))
            {
                sawTimestamp = true;
                timed.Add((time, []));
                if (stamp.Groups["text"].Success && stamp.Groups["text"].Value.Trim().Length > 0)
                {
                    timed[^1].Lines.Add(stamp.Groups["text"].Value);
                }

                continue;
            }

            if (sawTimestamp)
            {
                timed[^1].Lines.Add(line);
            }
            else
            {
                untimed.Add(line);
            }
        }

        var cues = new List<Cue>();
        if (sawTimestamp)
        {
            // Text before the first timestamp starts at zero (a title or intro line).
            var leading = CaptionText.Clean(untimed.Where(l => l.Length > 0));
            if (leading.Length > 0)
            {
                cues.Add(new Cue(0, timed[0].Start, leading));
            }

            for (var i = 0; i < timed.Count; i++)
            {
                var text = CaptionText.Clean(timed[i].Lines);
                if (text.Length == 0)
                {
                    continue;
                }

                var estimatedEnd = timed[i].Start + (WordCount(text) / SpeechWordsPerSecond);
                var end = i + 1 < timed.Count && timed[i + 1].Start >= timed[i].Start ? timed[i + 1].Start : estimatedEnd;
                cues.Add(new Cue(timed[i].Start, end, text));
            }
        }
        else
        {
            // No timing at all: place each paragraph at the time it would be reached when spoken aloud.
            var clock = 0.0;
            var paragraph = new List<string>();
            foreach (var line in untimed.Append(""))
            {
                if (line.Length > 0)
                {
                    paragraph.Add(line);
                    continue;
                }

                foreach (var text in SplitLong(CaptionText.Clean(paragraph)))
                {
                    var duration = WordCount(text) / SpeechWordsPerSecond;
                    cues.Add(new Cue(Math.Round(clock, 3), Math.Round(clock + duration, 3), text));
                    clock += duration;
                }

                paragraph.Clear();
            }
        }

        return new CaptionParseResult(cues.OrderBy(c => c.Start).ToList(), issues, 0);
    }

    // Very long untimed paragraphs become several cues so that estimated times stay close to the words.
    private static IEnumerable<string> SplitLong(string text)
    {
        if (text.Length == 0)
        {
            yield break;
        }

        var words = text.Split(' ');
        for (var i = 0; i < words.Length; i += 40)
        {
            yield return string.Join(' ', words.Skip(i).Take(40));
        }
    }

    /// <summary>
    /// Sorts cues by start time and drops repeated text: rolling captions (each cue repeats the end of
    /// the one before, then adds words), flash duplicates a few milliseconds long, and cues that say
    /// exactly what was just said. A cue whose words are all repeats only extends the previous cue.
    /// </summary>
    public static List<Cue> RemoveRepeats(IEnumerable<Cue> cues)
    {
        const int TailWords = 60;
        var ordered = cues.OrderBy(c => c.Start).ThenBy(c => c.End).ToList();
        var result = new List<Cue>(ordered.Count);
        var tail = new List<string>(TailWords * 2);

        foreach (var cue in ordered)
        {
            var words = cue.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var comparable = words.Select(CaptionText.ComparableWord).ToArray();
            var overlap = 0;
            if (result.Count > 0 && cue.Start <= result[^1].End + 1.0)
            {
                overlap = Overlap(tail, comparable);

                // "…is the Maillard reaction." then "The Maillard reaction is a family of…" is a speaker
                // repeating a phrase at a new sentence, not a rolling caption (whose repeated lines are
                // longer, and carry no punctuation in auto-captions): keep a short repeat after a full stop.
                if (overlap is > 0 and < 4 && overlap < words.Length && EndsSentence(result[^1].Text))
                {
                    overlap = 0;
                }
            }

            if (overlap == words.Length)
            {
                var previous = result[^1];
                result[^1] = previous with { End = Math.Max(previous.End, cue.End) };
                continue;
            }

            result.Add(overlap == 0 ? cue : cue with { Text = string.Join(' ', words.Skip(overlap)) });
            tail.AddRange(comparable.Skip(overlap));
            if (tail.Count > TailWords)
            {
                tail.RemoveRange(0, tail.Count - TailWords);
            }
        }

        return result;
    }

    private static bool EndsSentence(string text)
    {
        var trimmed = text.TrimEnd('"', '\'', ')', ' ');
        return trimmed.Length > 0 && trimmed[^1] is '.' or '?' or '!';
    }

    // The longest k such that the last k words said equal this cue's first k words. Two or more words
    // must match (one shared word is usually coincidence), unless the cue is a single repeated word.
    private static int Overlap(List<string> tail, string[] words)
    {
        var max = Math.Min(tail.Count, words.Length);
        for (var k = max; k >= 1; k--)
        {
            if (k == 1 && words.Length > 1)
            {
                break;
            }

            var match = true;
            for (var j = 0; j < k; j++)
            {
                if (!string.Equals(tail[tail.Count - k + j], words[j], StringComparison.Ordinal))
                {
                    match = false;
                    break;
                }
            }

            if (match && words.Take(k).Any(w => w.Length > 0))
            {
                return k;
            }
        }

        return 0;
    }

    /// <summary>Parses <c>[hh:]mm:ss[,.fff]</c> into seconds; minutes and seconds must be below 60.</summary>
    public static bool TryParseTimestamp(string value, out double seconds)
    {
        seconds = 0;
        var parts = value.Trim().Split(':');
        if (parts.Length is < 2 or > 3)
        {
            return false;
        }

        var secondsPart = parts[^1].Replace(',', '.');
        if (!double.TryParse(secondsPart, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var s) || s >= 60)
        {
            return false;
        }

        if (!int.TryParse(parts[^2], NumberStyles.None, CultureInfo.InvariantCulture, out var m) || (parts.Length == 3 && m >= 60))
        {
            return false;
        }

        var h = 0;
        if (parts.Length == 3 && !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out h))
        {
            return false;
        }

        seconds = Math.Round((h * 3600.0) + (m * 60.0) + s, 3);
        return true;
    }

    private static bool NextLineIsTiming(string[] lines, int index) =>
        index + 1 < lines.Length && TimingLine().IsMatch(lines[index + 1]);

    private static bool IsDigits(string value) => value.Length is > 0 and <= 9 && value.All(char.IsAsciiDigit);

    private static int WordCount(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    private static void Report(List<CaptionIssue> issues, int line, string message)
    {
        if (issues.Count < CaptionParseResult.MaxReportedIssues)
        {
            issues.Add(new CaptionIssue(line, message));
        }
    }

    private static string Shorten(string value) => value.Length <= 60 ? value : value[..57] + "...";

    private sealed class RawCue(double start, double end)
    {
        public double Start { get; } = start;
        public double End { get; } = end;
        public List<string> Lines { get; } = [];
    }
}
