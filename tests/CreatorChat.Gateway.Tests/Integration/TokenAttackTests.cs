using System.Net;
using System.Text;
using CreatorChat.Gateway.Tests.Support;
using CreatorChat.ServiceDefaults.Security;
using CreatorChat.Testing;
using Xunit;

namespace CreatorChat.Gateway.Tests.Integration;

public sealed class TokenAttackTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private readonly GatewayFixture _gateway = gateway;

    private static string B64(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Decode(string segment)
    {
        var s = segment.Replace('-', '+').Replace('_', '/');
        return Encoding.UTF8.GetString(Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=')));
    }

    private async Task<HttpStatusCode> MeWith(string token)
    {
        using var response = await _gateway.Client(token).GetAsync(new Uri("/api/v1/auth/me", UriKind.Relative));
        return response.StatusCode;
    }

    private async Task<HttpStatusCode> ProxiedWith(string token)
    {
        using var response = await _gateway.Client(token).GetAsync(new Uri("/api/v1/conversations", UriKind.Relative));
        return response.StatusCode;
    }

    [Fact]
    public async Task Alg_none_tokens_are_refused()
    {
        var (id, access, _) = await _gateway.SignUpAsync();
        var payload = access.Split('.')[1];
        var unsigned = B64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + payload + ".";

        Assert.Equal(HttpStatusCode.Unauthorized, await MeWith(unsigned));
        Assert.Equal(HttpStatusCode.Unauthorized, await ProxiedWith(unsigned));
        Assert.NotEqual(Guid.Empty, id);
    }

    [Fact]
    public async Task Tokens_signed_with_another_key_are_refused()
    {
        var (id, _, _) = await _gateway.SignUpAsync();
        var forged = new TestTokens("an-attacker-key-which-is-also-32-bytes-long").User(id, PlatformRoles.Admin);

        Assert.Equal(HttpStatusCode.Unauthorized, await MeWith(forged));
        Assert.Equal(HttpStatusCode.Unauthorized, await ProxiedWith(forged));
    }

    [Fact]
    public async Task Expired_tokens_are_refused()
    {
        var (id, _, _) = await _gateway.SignUpAsync();
        var past = new FixedTime(DateTimeOffset.UtcNow.AddHours(-2));
        var expired = new TestTokens(TestTokens.DefaultKey, past).User(id);

        Assert.Equal(HttpStatusCode.Unauthorized, await MeWith(expired));
        Assert.Equal(HttpStatusCode.Unauthorized, await ProxiedWith(expired));
    }

    [Fact]
    public async Task Tampered_claims_break_the_signature()
    {
        var (_, access, _) = await _gateway.SignUpAsync();
        var parts = access.Split('.');
        var promoted = B64(Decode(parts[1]).Replace("\"role\":\"fan\"", "\"role\":\"admin\"", StringComparison.Ordinal));
        var tampered = $"{parts[0]}.{promoted}.{parts[2]}";

        using var admin = await _gateway.Client(tampered).GetAsync(new Uri("/api/v1/admin/users", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, await MeWith(tampered));
        Assert.Equal(HttpStatusCode.Unauthorized, admin.StatusCode);
    }

    [Fact]
    public async Task A_validly_signed_token_claiming_a_role_the_user_does_not_have_is_refused_at_the_edge()
    {
        var (id, _, _) = await _gateway.SignUpAsync();
        var selfPromoted = _gateway.Tokens.User(id, PlatformRoles.Admin);

        Assert.Equal(HttpStatusCode.Unauthorized, await ProxiedWith(selfPromoted));
    }

    [Fact]
    public async Task Service_tokens_are_not_accepted_from_outside()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await ProxiedWith(_gateway.Tokens.Service("chat")));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeWith(_gateway.Tokens.Service("chat")));
    }

    [Fact]
    public async Task Tokens_of_deleted_or_unknown_users_are_refused()
    {
        var ghost = _gateway.Tokens.User(Guid.NewGuid());

        Assert.Equal(HttpStatusCode.Unauthorized, await ProxiedWith(ghost));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeWith(ghost));
    }

    [Theory]
    [InlineData("Bearer")]
    [InlineData("Bearer not.a.jwt")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task Malformed_authorization_headers_are_401(string header)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/conversations");
        request.Headers.TryAddWithoutValidation("Authorization", header);

        using var response = await _gateway.Client().SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
