using System.Globalization;

namespace CreatorChat.Cli.Rendering;

public static class Times
{
    /// <summary>A position in a video as people read it: <c>m:ss</c>, <c>mm:ss</c>, or <c>h:mm:ss</c> past an hour.</summary>
    public static string Position(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Max(0, Math.Floor(seconds)));
        return t.TotalHours >= 1
            ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
            : t.ToString(@"mm\:ss", CultureInfo.InvariantCulture);
    }
}
