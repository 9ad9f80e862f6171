using System.Globalization;
using System.Text.RegularExpressions;

namespace CreatorChat.Chat.Tests.Support;

/// <summary>Reads an SRT file into timed words, to check that a quote is said where a citation points.</summary>
public static partial class Captions
{
    public sealed record TimedWord(double Seconds, string Word);

    [GeneratedRegex(@"(\d\d):(\d\d):(\d\d)[,.](\d{3})\s*-->")]
    private static partial Regex CueStart();

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Word();

    public static List<TimedWord> Read(string srt)
    {
        var words = new List<TimedWord>();
        double? start = null;
        foreach (var raw in srt.Replace("\r", "", StringComparison.Ordinal).Split('\n'))
        {
            var line = raw.Trim().TrimStart('\uFEFF');
            var cue = CueStart().Match(line);
            if (cue.Success)
            {
                start = (int.Parse(cue.Groups[1].Value, CultureInfo.InvariantCulture) * 3600) + (int.Parse(cue.Groups[2].Value, CultureInfo.InvariantCulture) * 60)
                        + int.Parse(cue.Groups[3].Value, CultureInfo.InvariantCulture) + (int.Parse(cue.Groups[4].Value, CultureInfo.InvariantCulture) / 1000.0);
                continue;
            }

            if (start is null || line.Length == 0 || line.All(char.IsDigit))
            {
                continue;
            }

            words.AddRange(Words(line).Select(w => new TimedWord(start.Value, w)));
        }

        return words;
    }

    public static IEnumerable<string> Words(string text) => Word().Matches(text).Select(m => m.Value.ToLowerInvariant());

    /// <summary>When the captions say the first words of <paramref name="quote"/>, or null when they never do.</summary>
    public static double? WhenSaid(List<TimedWord> captions, string quote, int words = 6)
    {
        var needle = Words(quote).Take(words).ToList();
        for (var i = 0; i + needle.Count <= captions.Count; i++)
        {
            if (needle.Select((w, j) => captions[i + j].Word == w).All(match => match))
            {
                return captions[i].Seconds;
            }
        }

        return null;
    }
}
