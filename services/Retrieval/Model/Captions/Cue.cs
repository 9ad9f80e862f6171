namespace CreatorChat.Retrieval.Model.Captions;

/// <summary>One timed caption: what was said between <see cref="Start"/> and <see cref="End"/> (seconds), as clean text.</summary>
public readonly record struct Cue(double Start, double End, string Text);

/// <summary>A problem found in a transcript, with the 1-based line it was found on.</summary>
public sealed record CaptionIssue(int Line, string Message)
{
    public override string ToString() => $"line {Line}: {Message}";
}

public enum CaptionFormat
{
    Srt,
    Vtt,
    Text,
}

public static class CaptionFormats
{
    public static readonly IReadOnlyList<string> Names = ["srt", "vtt", "text"];

    public static bool TryParse(string? value, out CaptionFormat format)
    {
        switch (value)
        {
            case "srt":
                format = CaptionFormat.Srt;
                return true;
            case "vtt":
                format = CaptionFormat.Vtt;
                return true;
            case "text":
                format = CaptionFormat.Text;
                return true;
            default:
                format = default;
                return false;
        }
    }

    public static string Name(this CaptionFormat format) => format switch
    {
        CaptionFormat.Srt => "srt",
        CaptionFormat.Vtt => "vtt",
        _ => "text",
    };
}

/// <summary>
/// What a parse produced: the cues in time order, the blocks that had to be skipped and why.
/// A transcript is usable when it has cues and at most half of its timed blocks were unreadable
/// (beyond that, the file is more likely the wrong format than a slightly damaged one).
/// </summary>
public sealed record CaptionParseResult(IReadOnlyList<Cue> Cues, IReadOnlyList<CaptionIssue> Issues, int MalformedBlocks)
{
    public const int MaxReportedIssues = 20;

    public bool IsUsable => Cues.Count > 0 && MalformedBlocks <= Cues.Count;

    /// <summary>Why the transcript cannot be used, or null when it can.</summary>
    public string? Problem(CaptionFormat format)
    {
        if (IsUsable)
        {
            return null;
        }

        var first = Issues.Count > 0 ? " First problems: " + string.Join("; ", Issues.Take(3)) + "." : "";
        return Cues.Count == 0
            ? format == CaptionFormat.Text
                ? "The transcript contains no text."
                : $"No readable {format.Name()} caption cues were found (each cue needs a timing line such as '00:00:01,000 --> 00:00:04,000' followed by text).{first}"
            : $"{MalformedBlocks} caption blocks could not be read, more than the {Cues.Count} that could; is the format right?{first}";
    }
}
