using System.Text;

namespace CreatorChat.Benchmarks.Hostile;

/// <summary>
/// The classes of malformed and hostile requests issue 9 found (malformed JSON, invalid UTF-8, lone
/// surrogates, NUL, bogus charsets, path spellings, short bodies, invalid chunks, CONNECT and other
/// methods, bad WebSocket handshakes, huge headers, bad tokens), each against every endpoint it applies to.
/// </summary>
public sealed class HostileRequests(string host, string fan, string admin, string slug, Guid userId)
{
    private readonly Guid _message = Guid.NewGuid();

    private const string Chat = """{"creator_id":"{slug}","message":"{text}"}""";

    private (string Method, string Path, string Token, string Template)[] JsonEndpoints =>
    [
        ("POST", "/api/v1/chat", fan, Chat),
        ("POST", "/v1/chat/completions", fan, """{"model":"{slug}","messages":[{"role":"user","content":"{text}"}]}"""),
        ("POST", "/api/v1/auth/login", "", """{"email":"{text}@example.com","password":"Hostile-password-1"}"""),
        ("POST", "/api/v1/auth/register", "", """{"email":"h{n}@example.com","password":"Hostile-password-1","name":"{text}"}"""),
        ("POST", "/api/v1/auth/refresh", "", """{"refresh_token":"{text}"}"""),
        ("POST", "/api/v1/creators", admin, """{"slug":"h-{n}","name":"{text}"}"""),
        ("PATCH", $"/api/v1/creators/{slug}", admin, """{"description":"{text}"}"""),
        ("PATCH", $"/api/v1/admin/users/{userId}", admin, """{"tier":"{text}"}"""),
        ("POST", $"/api/v1/messages/{_message}/feedback", fan, """{"rating":"up","comment":"{text}"}"""),
        ("POST", $"/api/v1/creators/{slug}/videos", admin, """{"video_id":"h{n}","title":"{text}","format":"text","transcript":"{text}"}"""),
    ];

    public IEnumerable<HostileRequest> All(int repeat)
    {
        var n = 0;
        for (var round = 0; round < repeat; round++)
        {
            foreach (var (method, path, token, template) in JsonEndpoints)
            {
                string Fill(string text) => template.Replace("{slug}", slug, StringComparison.Ordinal)
                    .Replace("{n}", $"{round}-{n++}", StringComparison.Ordinal).Replace("{text}", text, StringComparison.Ordinal);

                foreach (var (label, body) in MalformedJson())
                {
                    yield return Json("malformed JSON", label, method, path, token, Encoding.UTF8.GetBytes(body));
                }

                yield return Json("invalid UTF-8", "0xFF 0xFE in a string", method, path, token, Splice(Fill("\u0001"), [0xFF, 0xFE]));
                yield return Json("invalid UTF-8", "overlong 0xC0 0xAF", method, path, token, Splice(Fill("\u0001"), [0xC0, 0xAF]));
                yield return Json("invalid UTF-8", "truncated 0xE2 0x82", method, path, token, Splice(Fill("\u0001"), [0xE2, 0x82]));
                yield return Json("lone surrogate", "\\ud800", method, path, token, Encoding.UTF8.GetBytes(Fill("\\ud800")));
                yield return Json("lone surrogate", "\\udfff then text", method, path, token, Encoding.UTF8.GetBytes(Fill("\\udfffx")));
                yield return Json("NUL", "\\u0000", method, path, token, Encoding.UTF8.GetBytes(Fill("a\\u0000b")));
                yield return Json("bogus charset", "charset=bogus", method, path, token, Encoding.UTF8.GetBytes(Fill("hello")), "application/json; charset=bogus");
                yield return Json("bogus charset", "charset=utf-16 with UTF-8 bytes", method, path, token, Encoding.UTF8.GetBytes(Fill("hello")), "application/json; charset=utf-16");
                yield return Json("bogus charset", "text/plain", method, path, token, Encoding.UTF8.GetBytes(Fill("hello")), "text/plain");
                yield return Json("event-stream error", "malformed JSON, Accept: text/event-stream", method, path, token, "{\"a\":"u8.ToArray(), extra: "Accept: text/event-stream\r\n");
                var whole = Encoding.UTF8.GetBytes(Fill("x"));
                yield return Body("short body", $"{method} {path}: half of Content-Length sent, then FIN", method, path, token, $"Content-Length: {whole.Length}\r\n", whole[..(whole.Length / 2)], halfClose: true);
                yield return Body("invalid chunk", $"{method} {path}: chunk size ZZ", method, path, token, "Transfer-Encoding: chunked\r\n", "ZZ\r\n{}\r\n0\r\n\r\n"u8.ToArray());
                yield return Body("invalid chunk", $"{method} {path}: chunk size overflow", method, path, token, "Transfer-Encoding: chunked\r\n", "FFFFFFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n"u8.ToArray());
                yield return Body("invalid chunk", $"{method} {path}: chunk longer than declared", method, path, token, "Transfer-Encoding: chunked\r\n", "2\r\n{}}}}}\r\n0\r\n\r\n"u8.ToArray());
            }

            foreach (var request in Paths().Concat(Methods()).Concat(Handshakes()).Concat(Headers()).Concat(Queries()))
            {
                yield return request;
            }
        }
    }

    /// <summary>A few requests whose body never finishes (the client stalls): each holds a connection until the server's body timeout.</summary>
    public IEnumerable<HostileRequest> Stalled() =>
        JsonEndpoints.Select(e => Body("short body", $"{e.Method} {e.Path}: Content-Length 400, 20 sent, then silence", e.Method, e.Path, e.Token,
            "Content-Length: 400\r\n", "{\"message\":\"abcdefg\""u8.ToArray()));

    private static IEnumerable<(string Label, string Body)> MalformedJson() =>
    [
        ("truncated object", "{\"a\":"), ("bare brace", "{"), ("array", "[]"), ("null", "null"), ("string", "\"text\""),
        ("wrong types", "{\"message\":1,\"creator_id\":[],\"email\":{},\"tier\":true}"), ("deep nesting", new string('[', 300) + new string(']', 300)),
        ("huge number", "{\"message\":1" + new string('0', 400) + "}"), ("trailing garbage", "{}x"), ("duplicate keys", "{\"message\":\"a\",\"message\":\"b\"}"),
        ("empty", ""), ("comment", "{/* c */}"), ("single quotes", "{'a':'b'}"),
    ];

    private IEnumerable<HostileRequest> Paths()
    {
        string[] spellings =
        [
            "/api/v1/chat/", "/api/v1/chat/.", "/api/v1/chat/./", "/API/V1/CHAT", "//api/v1/chat", "/api/v1//chat", "/api/v1%2Fchat", "/api/v1/chat%2F",
            "/api/v1/x/../chat", "/v1/chat/completions/", "/v1//chat/completions", "/v1/chat%2Fcompletions", "/api/v1/chat%00", "/api/v1/chat;x",
            "/internal/stats", "/api/v1/creators/..%2F..%2Finternal%2Fstats", "/api/v1/creators/%2e%2e/%2e%2e/internal", "/api/v1/creators/%00",
            "/api/v1/creators/%ZZ", "/api/v1/creators/" + new string('a', 6000), "/%2e%2e/%2e%2e/etc/passwd", "/api/v1/creators/\\..\\x",
        ];
        foreach (var path in spellings)
        {
            yield return Json("path spelling", "POST " + path, "POST", path, fan, Encoding.UTF8.GetBytes(Chat.Replace("{slug}", slug, StringComparison.Ordinal).Replace("{text}", "hi", StringComparison.Ordinal)));
        }
    }

    private IEnumerable<HostileRequest> Methods()
    {
        yield return Raw("method", "CONNECT authority-form", $"CONNECT {host} HTTP/1.1\r\nHost: {host}\r\n\r\n");
        yield return Raw("method", "CONNECT to a route", $"CONNECT /api/v1/creators HTTP/1.1\r\nHost: {host}\r\n\r\n");
        yield return Raw("method", "TRACE", $"TRACE /api/v1/creators HTTP/1.1\r\nHost: {host}\r\n\r\n");
        yield return Raw("method", "unknown method FOO", $"FOO /api/v1/creators HTTP/1.1\r\nHost: {host}\r\n\r\n");
        yield return Raw("method", "PROPFIND", $"PROPFIND /api/v1/creators HTTP/1.1\r\nHost: {host}\r\n\r\n");
        yield return Raw("method", "OPTIONS *", $"OPTIONS * HTTP/1.1\r\nHost: {host}\r\n\r\n");
        yield return Raw("protocol", "HTTP/2.0 on an HTTP/1 line", $"GET /api/v1/creators HTTP/2.0\r\nHost: {host}\r\n\r\n");
        yield return Raw("protocol", "HTTP/1.0 without Host", "GET /api/v1/creators HTTP/1.0\r\n\r\n");
        yield return Raw("protocol", "absolute-form target", $"GET http://evil.example/api/v1/creators HTTP/1.1\r\nHost: {host}\r\n\r\n");
        yield return Raw("protocol", "no Host", "GET /api/v1/creators HTTP/1.1\r\n\r\n");
        yield return Raw("protocol", "two Host headers", $"GET /api/v1/creators HTTP/1.1\r\nHost: {host}\r\nHost: evil.example\r\n\r\n");
        yield return Raw("protocol", "two Content-Lengths", $"POST /api/v1/auth/login HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 4\r\n\r\n{{}}");
        yield return Raw("protocol", "Content-Length and chunked", $"POST /api/v1/auth/login HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{{}}\r\n0\r\n\r\n");
        yield return Raw("protocol", "negative Content-Length", $"POST /api/v1/auth/login HTTP/1.1\r\nHost: {host}\r\nContent-Length: -5\r\n\r\n");
        yield return Raw("protocol", "bare LF line ends", $"GET /api/v1/creators HTTP/1.1\nHost: {host}\n\n");
        yield return Raw("protocol", "GET with a body", $"GET /api/v1/creators HTTP/1.1\r\nHost: {host}\r\nContent-Length: 5\r\n\r\nhello");
    }

    private IEnumerable<HostileRequest> Handshakes()
    {
        const string key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
        string Upgrade(string extra, string method = "GET", string path = "/api/v1/chat/ws") =>
            $"{method} {path}?access_token={fan} HTTP/1.1\r\nHost: {host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n{extra}\r\n";

        yield return Raw("WebSocket handshake", "duplicate Sec-WebSocket-Protocol", Upgrade($"Sec-WebSocket-Version: 13\r\n{key}Sec-WebSocket-Protocol: chat\r\nSec-WebSocket-Protocol: chat\r\n"));
        yield return Raw("WebSocket handshake", "duplicate protocol in one header", Upgrade($"Sec-WebSocket-Version: 13\r\n{key}Sec-WebSocket-Protocol: chat, chat\r\n"));
        yield return Raw("WebSocket handshake", "invalid protocol name", Upgrade($"Sec-WebSocket-Version: 13\r\n{key}Sec-WebSocket-Protocol: a b@c\r\n"));
        yield return Raw("WebSocket handshake", "no key", Upgrade("Sec-WebSocket-Version: 13\r\n"));
        yield return Raw("WebSocket handshake", "bad key", Upgrade("Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: short\r\n"));
        yield return Raw("WebSocket handshake", "version 8", Upgrade($"Sec-WebSocket-Version: 8\r\n{key}"));
        yield return Raw("WebSocket handshake", "no version", Upgrade(key));
        yield return Raw("WebSocket handshake", "POST upgrade", Upgrade($"Sec-WebSocket-Version: 13\r\n{key}", "POST"));
        yield return Raw("WebSocket handshake", "upgrade to an HTTP route", Upgrade($"Sec-WebSocket-Version: 13\r\n{key}", path: "/api/v1/creators"));
        yield return Raw("WebSocket handshake", "plain GET to the socket route", $"GET /api/v1/chat/ws HTTP/1.1\r\nHost: {host}\r\n\r\n");
        yield return Raw("WebSocket handshake", "bad token", Upgrade($"Sec-WebSocket-Version: 13\r\n{key}").Replace(fan, "garbage", StringComparison.Ordinal));
    }

    private IEnumerable<HostileRequest> Headers()
    {
        yield return Raw("huge headers", "40 KB header value", $"GET /api/v1/creators HTTP/1.1\r\nHost: {host}\r\nX-Big: {new string('a', 40 * 1024)}\r\n\r\n");
        yield return Raw("huge headers", "200 headers", $"GET /api/v1/creators HTTP/1.1\r\nHost: {host}\r\n{string.Concat(Enumerable.Range(0, 200).Select(i => $"X-H{i}: v\r\n"))}\r\n");
        yield return Raw("huge headers", "30 KB cookie", $"GET /api/v1/creators HTTP/1.1\r\nHost: {host}\r\nCookie: c={new string('b', 30 * 1024)}\r\n\r\n");
        yield return Raw("huge headers", "10 KB bearer token", $"GET /api/v1/creators HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {new string('c', 10 * 1024)}\r\n\r\n");
        yield return Raw("bad token", "Bearer garbage", $"GET /api/v1/conversations HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer garbage\r\n\r\n");
        yield return Raw("bad token", "Basic credentials", $"GET /api/v1/conversations HTTP/1.1\r\nHost: {host}\r\nAuthorization: Basic YTpi\r\n\r\n");
        yield return Raw("bad token", "two Authorization headers", $"GET /api/v1/conversations HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {fan}\r\nAuthorization: Bearer garbage\r\n\r\n");
        yield return Raw("bad token", "alg none token", $"GET /api/v1/conversations HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.\r\n\r\n");
        yield return Raw("huge headers", "control characters in a header", $"GET /api/v1/creators HTTP/1.1\r\nHost: {host}\r\nX-Ctl: a\u0001b\u007f\r\n\r\n");
        yield return Raw("huge headers", "header without colon", $"GET /api/v1/creators HTTP/1.1\r\nHost: {host}\r\nNoColon\r\n\r\n");
    }

    private IEnumerable<HostileRequest> Queries()
    {
        string[] queries =
        [
            "/api/v1/admin/users?q=%00", "/api/v1/admin/audit?event=%00", "/api/v1/creators?after=%00", "/api/v1/admin/users?q=%FF%FE",
            "/api/v1/admin/users?limit=99999999999999", "/api/v1/admin/users?cursor=%00", $"/api/v1/creators/{slug}/search?q=%00", $"/api/v1/creators/{slug}/search?q=%ED%A0%80",
            $"/api/v1/creators/{slug}/search?k=-1&q=x", "/api/v1/conversations?cursor=%00", "/api/v1/jobs/%00", $"/api/v1/creators/{slug}/videos?after=%00",
        ];
        foreach (var path in queries)
        {
            yield return Raw("NUL", "GET " + path, $"GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {admin}\r\n\r\n");
        }
    }

    private HostileRequest Json(string @class, string label, string method, string path, string token, byte[] body, string contentType = "application/json", string extra = "") =>
        Body(@class, $"{method} {path}: {label}", method, path, token, $"Content-Type: {contentType}\r\n{extra}Content-Length: {body.Length}\r\n", body);

    private HostileRequest Body(string @class, string label, string method, string path, string token, string headers, byte[] body, bool halfClose = false)
    {
        if (!headers.Contains("Content-Type", StringComparison.Ordinal))
        {
            headers = "Content-Type: application/json\r\n" + headers;
        }

        var head = $"{method} {path} HTTP/1.1\r\nHost: {host}\r\n{(token.Length > 0 ? $"Authorization: Bearer {token}\r\n" : "")}{headers}Connection: close\r\n\r\n";
        return new HostileRequest(@class, label, [.. Encoding.Latin1.GetBytes(head), .. body], halfClose);
    }

    private static HostileRequest Raw(string @class, string label, string text) =>
        new(@class, label, Encoding.Latin1.GetBytes(text.Contains("Connection:", StringComparison.Ordinal) ? text : text.Replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n", StringComparison.Ordinal)));

    // The placeholder \u0001 in a JSON string becomes the given raw bytes.
    private static byte[] Splice(string json, byte[] bytes)
    {
        var at = json.IndexOf('\u0001', StringComparison.Ordinal);
        return [.. Encoding.UTF8.GetBytes(json[..at]), .. bytes, .. Encoding.UTF8.GetBytes(json[(at + 1)..])];
    }
}
