using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CreatorChat.Gateway.Infrastructure.WebApp;
using CreatorChat.Gateway.Tests.Support;
using CreatorChat.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit;

namespace CreatorChat.Gateway.Tests.Integration;

/// <summary>The web app's gateway side: serving it with the right caching, and its refresh cookie.</summary>
public sealed class WebAppTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private const string Password = "Fan-password-7";

    private HttpClient Browser() => gateway.Factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });

    [Fact]
    public async Task The_app_is_served_at_the_root_and_for_its_own_routes_revalidated_with_a_strict_policy()
    {
        using var client = Browser();
        foreach (var path in new[] { "/", "/c/kitchen-lab", "/studio" })
        {
            using var page = await client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Equal("no-cache", page.Headers.CacheControl?.ToString());
            Assert.Contains("<div id=\"root\"></div>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            var policy = page.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
            Assert.Contains("frame-src https://www.youtube-nocookie.com;", policy, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Hashed_assets_are_immutable_and_nothing_inline_runs()
    {
        using var client = Browser();
        var html = await client.GetStringAsync(new Uri("/", UriKind.Relative));
        Assert.DoesNotMatch("<script(?![^>]*\\ssrc=)", html);
        var script = System.Text.RegularExpressions.Regex.Match(html, "src=\"(/assets/[^\"]+\\.js)\"").Groups[1].Value;
        Assert.NotEmpty(script);

        using var asset = await client.GetAsync(new Uri(script, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        Assert.Equal(WebAppExtensions.ImmutableCache, asset.Headers.CacheControl?.ToString());
        Assert.Equal("text/javascript", asset.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("GET", "/api/v1/nothing-here", HttpStatusCode.NotFound)]
    [InlineData("GET", "/nothing/here", HttpStatusCode.NotFound)]
    [InlineData("GET", "/assets/missing-0000.js", HttpStatusCode.NotFound)]
    [InlineData("POST", "/studio", HttpStatusCode.MethodNotAllowed)]
    public async Task Unknown_paths_missing_files_and_other_methods_are_not_answered_with_the_app(string method, string path, HttpStatusCode expected)
    {
        using var client = Browser();
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(expected, response.StatusCode);
        Assert.NotEqual("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_web_app_gets_its_refresh_token_only_as_an_HttpOnly_Secure_SameSite_Strict_cookie_on_the_auth_path()
    {
        var (email, _) = await RegisterAsync();
        using var client = Browser();

        using var login = await client.SendAsync(Post("/api/v1/auth/login", new JsonObject { ["email"] = email, ["password"] = Password }, web: true));

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var body = await login.ReadJsonAsync();
        Assert.NotNull(body["access_token"]);
        Assert.Null(body["refresh_token"]);
        var cookie = login.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(RefreshCookie.Name + "=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("httponly", cookie, StringComparison.Ordinal);
        Assert.Contains("secure", cookie, StringComparison.Ordinal);
        Assert.Contains("samesite=strict", cookie, StringComparison.Ordinal);
        Assert.Contains("path=/api/v1/auth", cookie, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cookie_refresh_from_the_app_rotates_the_cookie_and_the_old_one_stops_working()
    {
        var (_, first) = await SignInWithCookieAsync();
        using var client = Browser();

        using var refreshed = await client.SendAsync(Post("/api/v1/auth/refresh", new JsonObject(), web: true, cookie: first, origin: "http://localhost"));
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.NotNull((await refreshed.ReadJsonAsync())["access_token"]);
        var second = CookieValue(refreshed);
        Assert.NotEqual(first, second);

        using var reused = await client.SendAsync(Post("/api/v1/auth/refresh", new JsonObject(), web: true, cookie: first));
        Assert.Equal(HttpStatusCode.Unauthorized, reused.StatusCode);
    }

    [Theory]
    [InlineData(false, null)]
    [InlineData(true, "https://evil.example")]
    [InlineData(true, "https://app.example")]
    public async Task A_cookie_refresh_without_the_app_header_or_from_another_origin_is_refused(bool header, string? origin)
    {
        var (_, cookie) = await SignInWithCookieAsync();
        using var client = Browser();

        using var forged = await client.SendAsync(Post("/api/v1/auth/refresh", new JsonObject(), web: header, cookie: cookie, origin: origin));

        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Contains(RefreshCookie.Header, (await forged.ReadJsonAsync())["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        // The refused cookie is still the user's: the app itself can refresh with it.
        using var genuine = await client.SendAsync(Post("/api/v1/auth/refresh", new JsonObject(), web: true, cookie: cookie));
        Assert.Equal(HttpStatusCode.OK, genuine.StatusCode);
    }

    [Fact]
    public async Task Api_clients_keep_refreshing_with_the_token_in_the_body_and_never_get_a_cookie()
    {
        var (email, _) = await RegisterAsync();
        var tokens = await gateway.LoginAsync(email, Password);
        using var client = Browser();

        using var refreshed = await client.SendAsync(Post("/api/v1/auth/refresh", new JsonObject { ["refresh_token"] = tokens["refresh_token"]!.GetValue<string>() }));

        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.NotNull((await refreshed.ReadJsonAsync())["refresh_token"]);
        Assert.False(refreshed.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Signing_out_revokes_the_cookie_and_clears_it()
    {
        var (access, cookie) = await SignInWithCookieAsync();
        using var client = Browser();
        var logout = Post("/api/v1/auth/logout", new JsonObject(), web: true, cookie: cookie);
        logout.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", access);

        using var signedOut = await client.SendAsync(logout);

        Assert.Equal(HttpStatusCode.NoContent, signedOut.StatusCode);
        Assert.Contains(signedOut.Headers.GetValues("Set-Cookie"), c => c.StartsWith(RefreshCookie.Name + "=;", StringComparison.Ordinal));
        using var after = await client.SendAsync(Post("/api/v1/auth/refresh", new JsonObject(), web: true, cookie: cookie));
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    private async Task<(string Email, Guid Id)> RegisterAsync()
    {
        var email = $"web-{Guid.NewGuid():N}@example.com";
        var (id, _, _) = await gateway.SignUpAsync(email, Password);
        return (email, id);
    }

    private async Task<(string Access, string Cookie)> SignInWithCookieAsync()
    {
        var (email, _) = await RegisterAsync();
        using var client = Browser();
        using var login = await client.SendAsync(Post("/api/v1/auth/login", new JsonObject { ["email"] = email, ["password"] = Password }, web: true));
        login.EnsureSuccessStatusCode();
        return ((await login.ReadJsonAsync())["access_token"]!.GetValue<string>(), CookieValue(login));
    }

    private static string CookieValue(HttpResponseMessage response)
    {
        var header = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(RefreshCookie.Name + "=", StringComparison.Ordinal));
        return header[(RefreshCookie.Name.Length + 1)..header.IndexOf(';', StringComparison.Ordinal)];
    }

    private static HttpRequestMessage Post(string path, JsonObject body, bool web = false, string? cookie = null, string? origin = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        if (web)
        {
            request.Headers.Add(RefreshCookie.Header, "1");
        }

        if (cookie is not null)
        {
            request.Headers.Add("Cookie", $"{RefreshCookie.Name}={cookie}");
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return request;
    }
}
