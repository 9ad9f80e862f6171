using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using CreatorChat.Testing;
using Xunit;

namespace CreatorChat.EndToEnd.Tests;

/// <summary>Issue 3's story through the real gateway and services: limits, upgrade, privacy.</summary>
[Collection(PlatformCollection.Name)]
public sealed class AccountsEndToEndTests(PlatformFixture fixture)
{
    private async Task<(Guid Id, string Token)> SignUpAsync(string email)
    {
        const string password = "E2e-password-1";
        using var registered = await fixture.Gateway().PostJsonAsync("/api/v1/auth/register", new { email, password, name = "E2E fan" });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var id = (await registered.ReadJsonAsync())["id"]!.GetValue<Guid>();
        return (id, await LoginAsync(email, password));
    }

    private async Task<string> LoginAsync(string email, string password)
    {
        using var login = await fixture.Gateway().PostJsonAsync("/api/v1/auth/login", new { email, password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return (await login.ReadJsonAsync())["access_token"]!.GetValue<string>();
    }

    private async Task<string> CreatorAsync(string admin)
    {
        var slug = "acct-" + Guid.NewGuid().ToString("N")[..8];
        using var created = await fixture.Gateway(admin).PostJsonAsync("/api/v1/creators", new { slug, name = "Accounts Creator", persona = "Friendly." });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return slug;
    }

    private static Task<HttpResponseMessage> ChatAsync(HttpClient client, string slug, string message, Guid? conversation = null) =>
        client.PostJsonAsync("/api/v1/chat", conversation is null
            ? new { creator_id = slug, message }
            : new { creator_id = slug, message, conversation_id = conversation });

    [Fact]
    public async Task Free_tier_runs_out_on_http_and_websocket_an_admin_upgrade_restores_chat_and_conversations_stay_private()
    {
        var admin = await LoginAsync(fixture.Platform.AdminEmail, fixture.Platform.AdminPassword);
        var slug = await CreatorAsync(admin);
        var (fanId, fan) = await SignUpAsync($"fan-{Guid.NewGuid():N}@example.com");
        var client = fixture.Gateway(fan);

        Guid? conversation = null;
        for (var i = 0; i < 50; i++)
        {
            using var answer = await ChatAsync(client, slug, $"Question number {i}: what do you cook on Sundays?", conversation);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            conversation ??= (await answer.ReadJsonAsync())["conversation_id"]!.GetValue<Guid>();
        }

        using (var limited = await ChatAsync(client, slug, "One more?", conversation))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
            Assert.Equal("50", limited.Headers.GetValues("X-RateLimit-Limit").Single());
            Assert.Equal("0", limited.Headers.GetValues("X-RateLimit-Remaining").Single());
            Assert.NotNull(limited.Headers.RetryAfter);
        }

        // The WebSocket counts each message too: token in the query, and token sent in-band.
        Assert.Equal(429, await SocketMessageStatusAsync(slug, fan, inBand: false));
        Assert.Equal(429, await SocketMessageStatusAsync(slug, fan, inBand: true));

        using (var upgrade = await fixture.Gateway(admin).PatchAsJsonAsync(new Uri($"/api/v1/admin/users/{fanId}", UriKind.Relative), new { tier = "premium" }))
        {
            Assert.Equal(HttpStatusCode.OK, upgrade.StatusCode);
        }

        using (var again = await ChatAsync(client, slug, "Now that I am premium, any tips?", conversation))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal("500", again.Headers.GetValues("X-RateLimit-Limit").Single());
        }

        var (_, stranger) = await SignUpAsync($"stranger-{Guid.NewGuid():N}@example.com");
        using var peek = await fixture.Gateway(stranger).GetAsync(new Uri($"/api/v1/conversations/{conversation}/messages", UriKind.Relative));
        using var delete = await fixture.Gateway(stranger).DeleteAsync(new Uri($"/api/v1/conversations/{conversation}", UriKind.Relative));
        var theirs = await fixture.Gateway(stranger).GetStringAsync(new Uri("/api/v1/conversations", UriKind.Relative));
        using var mine = await client.GetAsync(new Uri($"/api/v1/conversations/{conversation}/messages", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, peek.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        Assert.DoesNotContain(conversation.ToString()!, theirs, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);

        var stats = await (await fixture.Gateway(admin).GetAsync(new Uri("/api/v1/admin/stats", UriKind.Relative))).ReadJsonAsync();
        Assert.Empty(stats["unavailable"]!.AsArray());
        Assert.True(stats["users"]!.GetValue<long>() >= 3);
        Assert.True(stats["creators"]!.GetValue<long>() >= 1);
        Assert.NotNull(stats["videos"]);
        Assert.True(stats["conversations"]!.GetValue<long>() >= 1);
    }

    /// <summary>Opens the chat WebSocket through the gateway, sends one message, returns the status of the error frame (or 0).</summary>
    private async Task<int> SocketMessageStatusAsync(string slug, string token, bool inBand)
    {
        using var socket = new ClientWebSocket();
        var query = inBand ? "" : $"?access_token={Uri.EscapeDataString(token)}";
        await socket.ConnectAsync(new Uri($"ws://{fixture.Platform.GatewayUrl.Authority}/api/v1/chat/ws{query}"), CancellationToken.None);
        if (inBand)
        {
            await SendAsync(socket, new JsonObject { ["type"] = "auth", ["access_token"] = token });
            Assert.Equal("authenticated", (await ReceiveAsync(socket))["type"]!.GetValue<string>());
        }

        await SendAsync(socket, new JsonObject { ["type"] = "message", ["creator_id"] = slug, ["message"] = "Over the limit?" });
        var reply = await ReceiveAsync(socket);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        return reply["type"]!.GetValue<string>() == "error" ? reply["status"]?.GetValue<int>() ?? 0 : 0;
    }

    private static Task SendAsync(ClientWebSocket socket, JsonObject frame) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(frame.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);

    private static async Task<JsonNode> ReceiveAsync(ClientWebSocket socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, timeout.Token);
            message.Write(buffer, 0, result.Count);
        }
        while (!result.EndOfMessage);

        return JsonNode.Parse(message.ToArray())!;
    }
}
