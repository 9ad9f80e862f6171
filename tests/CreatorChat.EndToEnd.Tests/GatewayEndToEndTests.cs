using System.Net;
using System.Net.Http.Json;
using CreatorChat.Testing;
using Xunit;

namespace CreatorChat.EndToEnd.Tests;

[Collection(PlatformCollection.Name)]
public sealed class GatewayEndToEndTests(PlatformFixture fixture)
{
    [Fact]
    public async Task A_creator_made_through_the_gateway_is_listed_through_the_gateway()
    {
        var admin = fixture.Gateway(await fixture.AdminTokenAsync());

        using var created = await admin.PostJsonAsync("/api/v1/creators", new { slug = "e2e-listed", name = "Listed Creator", specialty = "Testing" });
        var creators = await fixture.Gateway().GetFromJsonAsync<List<Dictionary<string, object>>>(new Uri("/api/v1/creators", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Contains(creators!, c => c["slug"].ToString() == "e2e-listed");
    }

    [Fact]
    public async Task Validation_problems_from_the_service_reach_the_client_intact()
    {
        var admin = fixture.Gateway(await fixture.AdminTokenAsync());

        using var response = await admin.PostJsonAsync("/api/v1/creators", new { slug = "NO", name = "" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.ReadJsonAsync())["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("slug"));
        Assert.True(errors.ContainsKey("name"));
    }

    [Fact]
    public async Task The_request_id_is_echoed_end_to_end()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/creators/does-not-exist");
        request.Headers.Add("X-Request-Id", "e2e-trace-42");

        using var response = await fixture.Gateway().SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("e2e-trace-42", response.Headers.GetValues("X-Request-Id").Single());
        Assert.Equal("e2e-trace-42", (await response.ReadJsonAsync())["request_id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/api/v1/unknown")]
    [InlineData("/internal/v1/creators/anyone")]
    [InlineData("/nothing/here")]
    public async Task Unknown_and_internal_routes_are_404_problems_at_the_gateway(string path)
    {
        using var response = await fixture.Gateway().GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Responses_carry_security_headers_and_no_server_banner()
    {
        using var response = await fixture.Gateway().GetAsync(new Uri("/api/v1/creators", UriKind.Relative));

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Server"));
    }

    [Fact]
    public async Task Cors_allows_only_configured_origins()
    {
        async Task<HttpResponseMessage> Preflight(string origin)
        {
            using var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/creators");
            request.Headers.Add("Origin", origin);
            request.Headers.Add("Access-Control-Request-Method", "POST");
            request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
            return await fixture.Gateway().SendAsync(request);
        }

        using var allowed = await Preflight(PlatformFixture.AllowedOrigin);
        using var denied = await Preflight("https://evil.example");

        Assert.Equal(PlatformFixture.AllowedOrigin, allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(denied.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task The_public_openapi_document_merges_the_services_and_hides_internal_routes()
    {
        var document = await (await fixture.Gateway().GetAsync(new Uri("/openapi/v1.json", UriKind.Relative))).ReadJsonAsync();
        using var page = await fixture.Gateway().GetAsync(new Uri("/docs/index.html", UriKind.Relative));

        var paths = document["paths"]!.AsObject();
        Assert.True(paths.ContainsKey("/api/v1/creators"));
        Assert.True(paths.ContainsKey("/api/v1/creators/{slug}"));
        Assert.DoesNotContain(paths, p => p.Key.StartsWith("/internal", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task The_web_page_is_served_at_the_root()
    {
        using var response = await fixture.Gateway().GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("CreatorChat", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_service_is_ready_and_alive()
    {
        using var http = new HttpClient();
        foreach (var process in fixture.Platform.Processes)
        {
            Assert.Equal("Healthy", await http.GetStringAsync(new Uri(process.Url, "/health")));
            Assert.Equal("Healthy", await http.GetStringAsync(new Uri(process.Url, "/alive")));
        }
    }
}
