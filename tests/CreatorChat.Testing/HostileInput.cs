using System.Net.Http.Headers;
using System.Text;

namespace CreatorChat.Testing;

/// <summary>Bodies a serializer would never produce: raw bytes, lone surrogate escapes, NULs, foreign charsets.</summary>
public static class HostileInput
{
    /// <summary>A JSON string holding the bytes 0xFF 0xFE (never valid UTF-8).</summary>
    public static readonly byte[] InvalidUtf8 = [0xFF, 0xFE];

    public const string LoneSurrogateEscape = "\\ud800";

    public const string NulEscape = "\\u0000";

    /// <summary><paramref name="template"/> (JSON) with <c>@@</c> replaced by <paramref name="raw"/> bytes, sent as application/json.</summary>
    public static ByteArrayContent Json(string template, byte[] raw, string contentType = "application/json")
    {
        var at = template.IndexOf("@@", StringComparison.Ordinal);
        var bytes = Encoding.UTF8.GetBytes(template[..at]).Concat(raw).Concat(Encoding.UTF8.GetBytes(template[(at + 2)..])).ToArray();
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    public static ByteArrayContent Json(string json, string contentType = "application/json") =>
        Json(json.Replace("@@", "", StringComparison.Ordinal) + "@@", [], contentType);
}
