using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace CreatorChat.Retrieval.Model.Captions;

/// <summary>Turns the text of a caption cue into plain spoken words.</summary>
public static partial class CaptionText
{
    // Markup tags (<i>, </b>, <c.colorE5E5E5>, <v Maya>, <font color="…">) and karaoke timestamps (<00:00:01.250>).
    [GeneratedRegex(@"<(?:/?[A-Za-z][A-Za-z0-9]*(?:[.\s][^<>]*)?|\d{1,2}(?::\d{2}){1,2}(?:[.,]\d{1,3})?)>", RegexOptions.CultureInvariant)]
    private static partial Regex Tags();

    // SubStation Alpha overrides that some SRT exporters leave in: {\an8}, {\i1}.
    [GeneratedRegex(@"\{\\[^{}]*\}", RegexOptions.CultureInvariant)]
    private static partial Regex AssOverrides();

    // Sound annotations: [Music], [Applause], [inaudible].
    [GeneratedRegex(@"\[[^\[\]]{0,80}\]", RegexOptions.CultureInvariant)]
    private static partial Regex BracketedAnnotation();

    // A whole line that is only a sound description: (screen whooshes), (laughs).
    [GeneratedRegex(@"^\([^()]{0,80}\)$", RegexOptions.CultureInvariant)]
    private static partial Regex ParentheticalLine();

    // Speaker-change markers at the start of a line: "- ", ">> ", "&gt;&gt; ".
    [GeneratedRegex(@"^(?:-+|>>+|–|—)\s*", RegexOptions.CultureInvariant)]
    private static partial Regex SpeakerMarker();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Whitespace();

    /// <summary>Cleans the lines of one cue and joins them with spaces; empty when nothing was spoken.</summary>
    public static string Clean(IEnumerable<string> lines)
    {
        var builder = new StringBuilder();
        foreach (var raw in lines)
        {
            var line = AssOverrides().Replace(raw, "");
            line = Tags().Replace(line, "");
            line = WebUtility.HtmlDecode(line);
            line = line.Replace('\u00A0', ' ').Replace("\u200E", "", StringComparison.Ordinal).Replace("\u200F", "", StringComparison.Ordinal);
            line = BracketedAnnotation().Replace(line, " ");
            line = line.Replace("♪", " ", StringComparison.Ordinal).Replace("♫", " ", StringComparison.Ordinal);
            line = line.Trim();
            line = SpeakerMarker().Replace(line, "");
            if (line.Length == 0 || ParentheticalLine().IsMatch(line))
            {
                continue;
            }

            if (builder.Length > 0)
            {
                builder.Append(' ');
            }

            builder.Append(line);
        }

        return Whitespace().Replace(builder.ToString(), " ").Trim();
    }

    /// <summary>A word as compared when removing repeated caption text: lower case, no punctuation.</summary>
    public static string ComparableWord(string word)
    {
        Span<char> buffer = word.Length <= 128 ? stackalloc char[word.Length] : new char[word.Length];
        var length = 0;
        foreach (var c in word)
        {
            if (char.IsLetterOrDigit(c))
            {
                buffer[length++] = char.ToLowerInvariant(c);
            }
        }

        return new string(buffer[..length]);
    }
}
