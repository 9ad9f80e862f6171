using System.Net;
using CreatorChat.Gateway.Tests.Support;
using CreatorChat.ServiceDefaults.Http;
using CreatorChat.Testing;
using Xunit;

namespace CreatorChat.Gateway.Tests.Integration;

/// <summary>Issue 9, items 4-6 on the gateway's own JSON endpoints: text Postgres cannot store is a 400, a foreign charset a 415.</summary>
public sealed class BadInputTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    [Theory]
    [InlineData("/api/v1/auth/login", "{\"email\":\"a@b.example@@\",\"password\":\"Fan-password-7\"}", "\\u0000", RequestText.ContainsNul)]
    [InlineData("/api/v1/auth/register", "{\"email\":\"nul@b.example\",\"password\":\"Fan-password-7\",\"name\":\"Ada@@\"}", "\\u0000", RequestText.ContainsNul)]
    [InlineData("/api/v1/auth/login", "{\"email\":\"a@b.example@@\",\"password\":\"Fan-password-7\"}", "\\ud800", RequestText.InvalidUnicode)]
    [InlineData("/api/v1/auth/register", "{\"email\":\"bytes@b.example\",\"password\":\"Fan-password-7\",\"name\":\"Ada@@\"}", "\xff", RequestText.InvalidUnicode)]
    public async Task Bad_text_in_an_auth_body_is_a_400_problem(string path, string template, string raw, string expected)
    {
        var bytes = raw == "\xff" ? HostileInput.InvalidUtf8 : System.Text.Encoding.ASCII.GetBytes(raw);
        using var response = await gateway.Client().PostAsync(new Uri(path, UriKind.Relative), HostileInput.Json(template, bytes));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, expected);
    }

    [Theory]
    [InlineData("/api/v1/admin/users?q=%00")]
    [InlineData("/api/v1/admin/audit?event=%00")]
    public async Task A_nul_in_an_admin_query_is_a_400_problem(string path)
    {
        using var response = await gateway.Client(await gateway.AdminTokenAsync()).GetAsync(new Uri(path, UriKind.Relative));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, RequestText.ContainsNul);
    }

    [Fact]
    public async Task A_lone_surrogate_in_an_admin_patch_is_a_400_problem()
    {
        var (id, _, _) = await gateway.SignUpAsync();
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/admin/users/{id}")
        {
            Content = HostileInput.Json("{\"tier\":\"premium@@\"}", "\\udfff"u8.ToArray()),
        };
        using var response = await gateway.Client(await gateway.AdminTokenAsync()).SendAsync(request);
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, RequestText.InvalidUnicode);
    }

    [Fact]
    public async Task A_json_body_in_another_charset_is_a_415_problem()
    {
        using var response = await gateway.Client().PostAsync(new Uri("/api/v1/auth/login", UriKind.Relative),
            HostileInput.Json("{\"email\":\"a@b.example\",\"password\":\"Fan-password-7\"}", "application/json; charset=bogus"));
        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "UTF-8");
    }

    [Fact]
    public async Task Malformed_json_says_what_is_wrong()
    {
        using var response = await gateway.Client().PostAsync(new Uri("/api/v1/auth/login", UriKind.Relative),
            HostileInput.Json("{\"email\": \"a@b.example\", \"password\": }"));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "not valid JSON");
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detailContains)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(detailContains, System.Text.Json.Nodes.JsonNode.Parse(text)!["detail"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
    }
}
