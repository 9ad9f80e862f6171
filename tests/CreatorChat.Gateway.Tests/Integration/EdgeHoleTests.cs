using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using CreatorChat.Gateway.Tests.Support;
using CreatorChat.Testing;
using Xunit;

namespace CreatorChat.Gateway.Tests.Integration;

/// <summary>Holes found from outside (issue 9): each test is one class of attack the edge must close.</summary>
public sealed class PathSpellingTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private readonly GatewayFixture _gateway = gateway;

    [Fact]
    public async Task A_chat_call_is_counted_however_its_path_is_spelled()
    {
        var (_, access, _) = await _gateway.SignUpAsync();
        var server = RawHttp.StartOnKestrel(_gateway.NewReplica());
        const string body = """{"creator_id":"kitchen-lab","message":"hello"}""";
        string[] spellings =
        [
            "/api/v1/chat", "/api/v1/chat/", "/api/v1/chat/.", "/api/v1/chat/./", "/api/v1/./chat", "/API/V1/CHAT", "/api/v1/Chat/",
            "//api/v1/chat", "/api/v1//chat", "/api/v1/chat//", "/api/v1%2Fchat", "/api/v1/chat%2F", "/api/v1/x/../chat",
            "/v1/chat/completions", "/v1/chat/completions/", "/v1/chat/completions/.", "/v1//chat/completions", "/v1/chat%2Fcompletions",
            "/V1/CHAT/COMPLETIONS", "/v1/chat/./completions",
        ];

        var answered = new List<string>();
        var statuses = new List<string>();
        foreach (var path in spellings)
        {
            var (status, _) = await RawHttp.SendAsync(server, RawHttp.Post(path, server.Authority, body, access));
            statuses.Add($"{path} → {status}");
            Assert.InRange(status, 200, 499);
            if (status is >= 200 and < 300)
            {
                answered.Add(path);
            }
        }

        var me = await (await _gateway.Client(access).GetAsync(new Uri("/api/v1/auth/me", UriKind.Relative))).ReadJsonAsync();
        Assert.Contains("/api/v1/chat", answered);
        Assert.True(answered.Count == me["usage"]!["requests_this_hour"]!.GetValue<long>(), string.Join("; ", statuses));
    }
}

public sealed class ClientFaultTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private readonly GatewayFixture _gateway = gateway;

    [Fact]
    public async Task Broken_bodies_connect_and_bad_upgrades_are_the_clients_fault_and_never_trip_the_upstream()
    {
        var server = RawHttp.StartOnKestrel(_gateway.NewReplica());
        var host = server.Authority;
        var shortBody = $"POST /api/v1/creators HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"name\":";
        var badChunk = $"POST /api/v1/creators HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{{}}\r\n0\r\n\r\n";
        var connect = $"CONNECT {host} HTTP/1.1\r\nHost: {host}\r\n\r\n";
        var twoProtocols = $"GET /api/v1/chat/ws HTTP/1.1\r\nHost: {host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n" +
                           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: chat\r\nSec-WebSocket-Protocol: chat\r\n\r\n";

        for (var i = 0; i < 10; i++)
        {
            // A client that stops sending mid-body has gone away (Kestrel aborts the exchange): no answer, and no 5xx.
            var (halfClosed, halfClosedText) = await RawHttp.SendAsync(server, shortBody, halfClose: true);
            Assert.True(halfClosed is 0 or 400, halfClosedText);
            var (chunk, chunkText) = await RawHttp.SendAsync(server, badChunk);
            Assert.True(chunk == 400, chunkText);
            var (connected, connectText) = await RawHttp.SendAsync(server, connect);
            Assert.True(connected == 405, connectText);
            var (upgrade, upgradeText) = await RawHttp.SendAsync(server, twoProtocols);
            Assert.True(upgrade == 400, upgradeText);
            Assert.Contains("application/problem+json", upgradeText, StringComparison.Ordinal);
        }

        // A body that never completes: the client's timeout, not the service's.
        var (stalled, stalledText) = await RawHttp.SendAsync(server, shortBody, timeout: TimeSpan.FromSeconds(40));
        Assert.True(stalled is 400 or 408, stalledText);

        using var afterwards = await _gateway.Client().GetAsync(new Uri("/api/v1/creators/anyone", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, afterwards.StatusCode);
    }

    [Fact]
    public async Task A_forwarded_answer_carries_the_request_id_once()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/creators/x");
        request.Headers.Add("X-Request-Id", "edge-once-1");

        using var response = await _gateway.Client().SendAsync(request);

        Assert.Equal(["edge-once-1"], response.Headers.GetValues("X-Request-Id"));
    }

    [Fact]
    public async Task A_json_body_in_a_charset_other_than_utf8_is_415_at_the_edge()
    {
        var (_, access, _) = await _gateway.SignUpAsync();
        foreach (var (path, token) in new[] { ("/api/v1/auth/login", (string?)null), ("/api/v1/auth/register", null), ("/api/v1/chat", access), ("/api/v1/creators", access) })
        {
            foreach (var charset in new[] { "bogus", "utf-16", "latin1" })
            {
                using var content = new StringContent("{\"email\":\"a@example.com\"}", Encoding.UTF8);
                content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse($"application/json; charset={charset}");
                using var response = await _gateway.Client(token).PostAsync(new Uri(path, UriKind.Relative), content);
                Assert.True(response.StatusCode == HttpStatusCode.UnsupportedMediaType, $"{path} charset={charset}: {(int)response.StatusCode}");
            }
        }

        using var utf8 = await _gateway.Client().PostAsync(new Uri("/api/v1/auth/login", UriKind.Relative),
            new StringContent("{\"email\":\"a@example.com\",\"password\":\"Wrong-password-1\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Unauthorized, utf8.StatusCode);
    }

    [Fact]
    public async Task Errors_are_problem_json_with_a_detail_even_when_the_client_asks_for_an_event_stream()
    {
        var client = _gateway.Client();
        client.DefaultRequestHeaders.Accept.ParseAdd("text/event-stream");

        using var anonymous = await client.PostJsonAsync("/api/v1/chat", new { creator_id = "x", message = "hi" });
        using var unknown = await client.GetAsync(new Uri("/api/v1/nothing-here", UriKind.Relative));
        using var malformed = await client.PostAsync(new Uri("/api/v1/auth/login", UriKind.Relative), new StringContent("{\"email\":", Encoding.UTF8, "application/json"));

        foreach (var (response, status) in new[] { (anonymous, 401), (unknown, 404), (malformed, 400) })
        {
            Assert.Equal(status, (int)response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.False(string.IsNullOrWhiteSpace((await response.ReadJsonAsync())["detail"]?.GetValue<string>()));
        }
    }
}

public sealed class AdminStandingTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private readonly GatewayFixture _gateway = gateway;

    private async Task<(Guid Id, string Access)> SecondAdminAsync(HttpClient root)
    {
        var email = $"admin-{Guid.NewGuid():N}@example.com";
        var (id, _, _) = await _gateway.SignUpAsync(email);
        using var promoted = await root.PatchAsJsonAsync(new Uri($"/api/v1/admin/users/{id}", UriKind.Relative), new { role = "admin" });
        promoted.EnsureSuccessStatusCode();
        return (id, (await _gateway.LoginAsync(email, "Fan-password-7"))["access_token"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_disabled_admin_loses_admin_power_at_once()
    {
        var root = _gateway.Client(await _gateway.AdminTokenAsync());
        var (id, access) = await SecondAdminAsync(root);
        var (victim, _, _) = await _gateway.SignUpAsync();

        using var disabled = await root.PatchAsJsonAsync(new Uri($"/api/v1/admin/users/{id}", UriKind.Relative), new { disabled = true });
        using var reEnable = await _gateway.Client(access).PatchAsJsonAsync(new Uri($"/api/v1/admin/users/{id}", UriKind.Relative), new { disabled = false });
        using var promote = await _gateway.Client(access).PatchAsJsonAsync(new Uri($"/api/v1/admin/users/{victim}", UriKind.Relative), new { role = "admin" });
        using var list = await _gateway.Client(access).GetAsync(new Uri("/api/v1/admin/users", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, reEnable.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, promote.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
        var victimNow = await (await root.GetAsync(new Uri($"/api/v1/admin/users?q=", UriKind.Relative))).ReadJsonAsync();
        Assert.Contains(victimNow["items"]!.AsArray(), u => u!["id"]!.GetValue<Guid>() == victim && u["role"]!.GetValue<string>() == "fan");
    }

    [Fact]
    public async Task A_demoted_admin_cannot_promote_itself_back()
    {
        var root = _gateway.Client(await _gateway.AdminTokenAsync());
        var (id, access) = await SecondAdminAsync(root);

        using var demoted = await root.PatchAsJsonAsync(new Uri($"/api/v1/admin/users/{id}", UriKind.Relative), new { role = "fan" });
        using var again = await _gateway.Client(access).PatchAsJsonAsync(new Uri($"/api/v1/admin/users/{id}", UriKind.Relative), new { role = "admin" });

        Assert.Equal(HttpStatusCode.OK, demoted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
    }

    [Fact]
    public async Task A_nul_in_an_admin_search_is_a_400()
    {
        var root = _gateway.Client(await _gateway.AdminTokenAsync());

        using var users = await root.GetAsync(new Uri("/api/v1/admin/users?q=a%00b", UriKind.Relative));
        using var audit = await root.GetAsync(new Uri("/api/v1/admin/audit?event=a%00b", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, users.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, audit.StatusCode);
    }

    [Fact]
    public async Task Nobody_changes_their_own_role_or_disabled_flag()
    {
        var token = await _gateway.AdminTokenAsync();
        var root = _gateway.Client(token);
        var rootId = (await (await root.GetAsync(new Uri("/api/v1/auth/me", UriKind.Relative))).ReadJsonAsync())["id"]!.GetValue<Guid>();

        using var role = await root.PatchAsJsonAsync(new Uri($"/api/v1/admin/users/{rootId}", UriKind.Relative), new { role = "admin" });
        using var enable = await root.PatchAsJsonAsync(new Uri($"/api/v1/admin/users/{rootId}", UriKind.Relative), new { disabled = false });
        using var tier = await root.PatchAsJsonAsync(new Uri($"/api/v1/admin/users/{rootId}", UriKind.Relative), new { tier = "premium" });

        Assert.Equal(HttpStatusCode.BadRequest, role.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, enable.StatusCode);
        Assert.Equal(HttpStatusCode.OK, tier.StatusCode);
    }
}

public sealed class SocketAccountingTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private readonly GatewayFixture _gateway = gateway;

    private async Task<WebSocket> ConnectAsync(string? token)
    {
        var client = _gateway.Factory.Server.CreateWebSocketClient();
        var query = token is null ? "" : "?access_token=" + Uri.EscapeDataString(token);
        return await client.ConnectAsync(new Uri(_gateway.Factory.Server.BaseAddress, "/api/v1/chat/ws" + query), CancellationToken.None);
    }

    private static Task SendAsync(WebSocket socket, string frame) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(frame), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    private static async Task<(WebSocketMessageType Type, string Text)> ReceiveAsync(WebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[64 * 1024];
        var result = await socket.ReceiveAsync(buffer, timeout.Token);
        return (result.MessageType, Encoding.UTF8.GetString(buffer, 0, result.Count));
    }

    private async Task<long> RequestsThisHourAsync(string access) =>
        (await (await _gateway.Client(access).GetAsync(new Uri("/api/v1/auth/me", UriKind.Relative))).ReadJsonAsync())["usage"]!["requests_this_hour"]!.GetValue<long>();

    [Fact]
    public async Task A_frame_the_gateway_cannot_read_is_refused_and_never_relayed()
    {
        var (_, access, _) = await _gateway.SignUpAsync();
        using var socket = await ConnectAsync(access);
        var marker = Guid.NewGuid().ToString("N");
        var deep = "{\"type\":\"message\",\"creator_id\":\"kitchen-lab\",\"message\":\"" + marker + "\",\"x\":" + new string('[', 40) + new string(']', 40) + "}";
        var duplicate = "{\"type\":\"ping\",\"type\":\"message\",\"creator_id\":\"kitchen-lab\",\"message\":\"" + marker + "\"}";

        foreach (var frame in new[] { deep, duplicate, "{\"type\":\"message\"" })
        {
            await SendAsync(socket, frame);
            var (type, reply) = await ReceiveAsync(socket);
            Assert.Equal(WebSocketMessageType.Text, type);
            Assert.Equal("error", JsonNode.Parse(reply)!["type"]!.GetValue<string>());
        }

        await SendAsync(socket, "{\"type\":\"message\",\"creator_id\":\"kitchen-lab\",\"message\":\"counted\"}");
        var (_, echoed) = await ReceiveAsync(socket);

        Assert.Equal("echo", JsonNode.Parse(echoed)!["type"]!.GetValue<string>());
        Assert.DoesNotContain(_gateway.Downstream.SocketFrames, f => f.Contains(marker, StringComparison.Ordinal));
        Assert.Equal(1, await RequestsThisHourAsync(access));
    }

    [Fact]
    public async Task An_in_band_token_the_gateway_refuses_closes_the_socket()
    {
        var root = _gateway.Client(await _gateway.AdminTokenAsync());
        var (disabledId, disabledToken, _) = await _gateway.SignUpAsync();
        var (promotedId, promotedToken, _) = await _gateway.SignUpAsync();
        (await root.PatchAsJsonAsync(new Uri($"/api/v1/admin/users/{disabledId}", UriKind.Relative), new { disabled = true })).EnsureSuccessStatusCode();
        (await root.PatchAsJsonAsync(new Uri($"/api/v1/admin/users/{promotedId}", UriKind.Relative), new { role = "creator" })).EnsureSuccessStatusCode();

        foreach (var token in new[] { disabledToken, promotedToken, _gateway.Tokens.User(Guid.NewGuid()), "not-a-token" })
        {
            using var socket = await ConnectAsync(null);
            var marker = Guid.NewGuid().ToString("N");
            await SendAsync(socket, $"{{\"type\":\"auth\",\"access_token\":\"{token}\",\"marker\":\"{marker}\"}}");

            (WebSocketMessageType Type, string Text) received;
            do
            {
                received = await ReceiveAsync(socket);
            }
            while (received.Type == WebSocketMessageType.Text);

            Assert.Equal(WebSocketMessageType.Close, received.Type);
            Assert.Equal(WebSocketCloseStatus.PolicyViolation, socket.CloseStatus);
            Assert.DoesNotContain(_gateway.Downstream.SocketFrames, f => f.Contains(marker, StringComparison.Ordinal));
        }
    }
}
