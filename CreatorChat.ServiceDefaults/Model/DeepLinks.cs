using System.Globalization;

namespace CreatorChat.ServiceDefaults.Model;

/// <summary>
/// Links that open a video at a given second: retrieval puts one on every search result, chat builds one when a
/// result came without it, so a fan can check every citation.
/// </summary>
public static class DeepLinks
{
    private static readonly HashSet<string> YouTubeHosts = new(StringComparer.OrdinalIgnoreCase)
    {
        "youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com", "youtube-nocookie.com", "www.youtube-nocookie.com",
    };

    /// <summary>
    /// <c>https://youtu.be/&lt;id&gt;?t=&lt;s&gt;</c>; when the video's own URL is on a youtube.com host, the same
    /// host's <c>/watch?v=&lt;id&gt;&amp;t=&lt;s&gt;s</c> instead, so links stay on the domain the creator gave.
    /// Seconds are rounded down: the link starts just before the words, never after them.
    /// </summary>
    public static string Build(string videoId, string? url, double startSeconds)
    {
        var seconds = (long)Math.Floor(Math.Max(0, double.IsFinite(startSeconds) ? startSeconds : 0));
        var id = Uri.EscapeDataString(videoId);
        var t = seconds.ToString(CultureInfo.InvariantCulture);
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && YouTubeHosts.Contains(uri.Host))
        {
            return $"https://{uri.Host.ToLowerInvariant()}/watch?v={id}&t={t}s";
        }

        return $"https://youtu.be/{id}?t={t}";
    }
}
