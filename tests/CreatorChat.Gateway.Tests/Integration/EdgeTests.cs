using System.Net;
using System.Text;
using CreatorChat.Gateway.Tests.Support;
using CreatorChat.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace CreatorChat.Gateway.Tests.Integration;

public sealed class EdgeTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private readonly GatewayFixture _gateway = gateway;

    [Fact]
    public async Task Forged_identity_headers_never_reach_a_service_but_the_token_does()
    {
        var (_, access, _) = await _gateway.SignUpAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/creators/anyone");
        request.Headers.Add("X-User-Id", Guid.NewGuid().ToString());
        request.Headers.Add("X-User-Role", "admin");
        request.Headers.Add("X-CreatorChat-User", "admin");
        request.Headers.Add("X-Forwarded-User", "admin");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", access);

        var echoed = (await (await _gateway.Client().SendAsync(request)).ReadJsonAsync())["headers"]!.AsObject();

        Assert.False(echoed.ContainsKey("x-user-id"));
        Assert.False(echoed.ContainsKey("x-user-role"));
        Assert.False(echoed.ContainsKey("x-creatorchat-user"));
        Assert.False(echoed.ContainsKey("x-forwarded-user"));
        Assert.Equal("Bearer " + access, echoed["authorization"]!.GetValue<string>());
    }

    [Fact]
    public async Task Hop_by_hop_headers_are_dropped_and_forwarding_headers_set()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/creators/x");
        request.Headers.TryAddWithoutValidation("Connection", "X-Private-Hop");
        request.Headers.TryAddWithoutValidation("X-Private-Hop", "secret");
        request.Headers.TryAddWithoutValidation("Proxy-Authorization", "Basic abc");
        request.Headers.Add("X-Request-Id", "edge-test-1");

        var echoed = (await (await _gateway.Client().SendAsync(request)).ReadJsonAsync())["headers"]!.AsObject();

        Assert.False(echoed.ContainsKey("x-private-hop"));
        Assert.False(echoed.ContainsKey("proxy-authorization"));
        Assert.Equal("edge-test-1", echoed["x-request-id"]!.GetValue<string>());
        Assert.True(echoed.ContainsKey("x-forwarded-proto"));
        Assert.True(echoed.ContainsKey("x-forwarded-host"));
    }

    [Fact]
    public async Task Routes_that_are_not_public_are_never_forwarded()
    {
        using var response = await _gateway.Client().SendAsync(
            new HttpRequestMessage(HttpMethod.Get, "/api/v1/stream"), HttpCompletionOption.ResponseHeadersRead);

        // /api/v1/stream is not a public route: the gateway must not forward it.
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Oversized_bodies_are_413_and_deeply_nested_json_is_400()
    {
        var (_, access, _) = await _gateway.SignUpAsync();
        using var big = new StringContent("{\"message\":\"" + new string('a', 300 * 1024) + "\"}", Encoding.UTF8, "application/json");
        using var tooBig = await _gateway.Client(access).PostAsync(new Uri("/api/v1/chat", UriKind.Relative), big);
        var nested = new string('[', 200) + new string(']', 200);
        using var deep = new StringContent("{\"email\":" + nested + "}", Encoding.UTF8, "application/json");
        using var tooDeep = await _gateway.Client().PostAsync(new Uri("/api/v1/auth/register", UriKind.Relative), deep);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
        Assert.Equal("application/problem+json", tooBig.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, tooDeep.StatusCode);
        Assert.DoesNotContain("Exception", await tooDeep.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Transcript_uploads_may_be_larger_than_other_bodies()
    {
        var (_, access, _) = await _gateway.SignUpAsync();
        using var body = new StringContent("{\"transcript\":\"" + new string('a', 2 * 1024 * 1024) + "\"}", Encoding.UTF8, "application/json");

        using var response = await _gateway.Client(access).PostAsync(new Uri("/api/v1/creators/some-one/videos", UriKind.Relative), body);

        Assert.NotEqual(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Failures_never_leak_internals()
    {
        using var response = await _gateway.Client().PostAsync(new Uri("/api/v1/auth/login", UriKind.Relative),
            new StringContent("{\"email\":", Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
    }

    [Fact]
    public void In_production_the_gateway_refuses_to_start_without_a_signing_key()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:identitydb"] = "Host=127.0.0.1;Database=x",
            ["ConnectionStrings:cache"] = "127.0.0.1:9",
        });

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddPlatformAuthentication());

        Assert.Contains("Jwt__SigningKey", error.Message, StringComparison.Ordinal);
    }
}
