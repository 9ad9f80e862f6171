using System.Net;
using System.Net.Http.Json;
using CreatorChat.Gateway.Infrastructure.RateLimiting;
using CreatorChat.Gateway.Tests.Support;
using CreatorChat.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CreatorChat.Gateway.Tests.Integration;

[Collection(InfrastructureCollection.Name)]
public sealed class RateLimitTests(InfrastructureFixture infrastructure, GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private readonly GatewayFixture _gateway = gateway;

    private static Task<HttpResponseMessage> Chat(HttpClient client) =>
        client.PostJsonAsync("/api/v1/chat", new { creator_id = "kitchen-lab", message = "hello" });

    [Fact]
    public async Task Free_tier_gets_50_chat_requests_an_hour_then_429_with_headers_until_upgraded()
    {
        var (id, access, _) = await _gateway.SignUpAsync();
        var client = _gateway.Client(access);

        for (var i = 1; i <= 50; i++)
        {
            using var ok = await Chat(client);
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("50", ok.Headers.GetValues("X-RateLimit-Limit").Single());
            Assert.Equal((50 - i).ToString(System.Globalization.CultureInfo.InvariantCulture), ok.Headers.GetValues("X-RateLimit-Remaining").Single());
        }

        using var limited = await Chat(client);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("0", limited.Headers.GetValues("X-RateLimit-Remaining").Single());
        var reset = long.Parse(limited.Headers.GetValues("X-RateLimit-Reset").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(reset, 1, 3600);
        Assert.Equal(TimeSpan.FromSeconds(reset), limited.Headers.RetryAfter!.Delta);
        Assert.Equal("hourly", (await limited.ReadJsonAsync())["limit_scope"]!.GetValue<string>());

        var admin = _gateway.Client(await _gateway.AdminTokenAsync());
        using var upgrade = await admin.PatchAsJsonAsync(new Uri($"/api/v1/admin/users/{id}", UriKind.Relative), new { tier = "premium" });
        using var again = await Chat(client);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("500", again.Headers.GetValues("X-RateLimit-Limit").Single());
        var me = await (await client.GetAsync(new Uri("/api/v1/auth/me", UriKind.Relative))).ReadJsonAsync();
        Assert.Equal(51, me["usage"]!["requests_this_hour"]!.GetValue<long>());
        Assert.Equal(51, me["usage"]!["messages_this_month"]!.GetValue<long>());
    }

    [Fact]
    public async Task Chat_needs_a_signed_in_user_and_other_calls_do_not_count()
    {
        var (_, access, _) = await _gateway.SignUpAsync();
        using var anonymous = await Chat(_gateway.Client());
        using var list = await _gateway.Client(access).GetAsync(new Uri("/api/v1/conversations", UriKind.Relative));

        var me = await (await _gateway.Client(access).GetAsync(new Uri("/api/v1/auth/me", UriKind.Relative))).ReadJsonAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(0, me["usage"]!["requests_this_hour"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_failed_chat_call_is_refunded()
    {
        var (_, access, _) = await _gateway.SignUpAsync();
        _gateway.Downstream.ChatStatus = 503;
        try
        {
            using var failed = await Chat(_gateway.Client(access));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        }
        finally
        {
            _gateway.Downstream.ChatStatus = null;
        }

        var me = await (await _gateway.Client(access).GetAsync(new Uri("/api/v1/auth/me", UriKind.Relative))).ReadJsonAsync();
        Assert.Equal(0, me["usage"]!["messages_this_month"]!.GetValue<long>());
    }

    [Fact]
    public async Task Limits_hold_exactly_across_three_gateway_replicas_hammering_one_user()
    {
        // Exactness is Redis' job; a replica that found Redis slow would rightly decide locally (its own test below),
        // so give Redis all the time a loaded test machine needs and let every replica connect before the burst.
        await using var shared = new GatewayFixture(infrastructure, new() { ["RateLimits:RedisTimeout"] = "00:00:30" });
        await shared.InitializeAsync();
        var (_, access, _) = await shared.SignUpAsync();
        await using var second = shared.NewReplica();
        await using var third = shared.NewReplica();
        var clients = new[] { shared.Client(access), second.CreateClient().WithBearer(access), third.CreateClient().WithBearer(access) };
        await Task.WhenAll(new[] { shared.Factory, second, third }.Select(WaitForRedisAsync));

        var responses = await Task.WhenAll(Enumerable.Range(0, 120).Select(i => Chat(clients[i % 3])));

        var statuses = string.Join(", ", responses.GroupBy(r => r.StatusCode).Select(g => $"{g.Key}: {g.Count()}"));
        Assert.True(responses.Count(r => r.StatusCode == HttpStatusCode.OK) == 50, statuses);
        Assert.True(responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests) == 70, statuses);
        Assert.All(new[] { shared.Factory, second, third }, replica =>
            Assert.False(replica.Services.GetRequiredService<RateLimiter>().UsingLocalFallback));
    }

    private static async Task WaitForRedisAsync(ServiceFactory<Program> replica)
    {
        var limiter = replica.Services.GetRequiredService<RateLimiter>();
        for (var deadline = DateTime.UtcNow.AddSeconds(30); limiter.UsingLocalFallback; await Task.Delay(50))
        {
            Assert.True(DateTime.UtcNow < deadline, "a gateway replica did not connect to Redis");
        }
    }

    [Fact]
    public async Task Registration_is_limited_per_address()
    {
        await using var strict = new GatewayFixture(infrastructure, new() { ["RateLimits:RegistrationsPerIpPerHour"] = "3" });
        await strict.InitializeAsync();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await strict.Client().PostJsonAsync("/api/v1/auth/register", new { email = $"bulk{i}@example.com", password = "Bulk-password-1" });
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Login_is_limited_per_address_against_credential_stuffing()
    {
        await using var strict = new GatewayFixture(infrastructure, new() { ["RateLimits:LoginPerIpPerMinute"] = "5" });
        await strict.InitializeAsync();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await strict.Client().PostJsonAsync("/api/v1/auth/login", new { email = $"victim{i}@example.com", password = "Stuffed-password-1" });
            statuses.Add(response.StatusCode);
        }

        Assert.All(statuses.Take(5), s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[5]);
    }
}

/// <summary>Nothing listens on port 9 (discard): Redis is "down" for this gateway from the start.</summary>
public sealed class GatewayWithoutRedisFixture() : GatewayFixture(null, new() { ["ConnectionStrings:cache"] = "127.0.0.1:9,connectTimeout=200" });

public sealed class RedisOutageTests(GatewayWithoutRedisFixture gateway) : IClassFixture<GatewayWithoutRedisFixture>
{
    private readonly GatewayFixture _gateway = gateway;

    [Fact]
    public async Task Without_redis_limits_still_hold_per_replica_and_health_says_degraded()
    {
        var (_, access, _) = await _gateway.SignUpAsync();
        var client = _gateway.Client(access);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 51; i++)
        {
            using var response = await client.PostJsonAsync("/api/v1/chat", new { creator_id = "kitchen-lab", message = "hi" });
            statuses.Add(response.StatusCode);
        }

        using var health = await _gateway.Client().GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(50, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Degraded", await health.Content.ReadAsStringAsync());
    }
}
