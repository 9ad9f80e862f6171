using System.Net;
using CreatorChat.Gateway.Tests.Support;
using CreatorChat.Testing;
using Xunit;

namespace CreatorChat.Gateway.Tests.Integration;

public sealed class AccountsTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private readonly GatewayFixture _gateway = gateway;

    [Fact]
    public async Task Register_login_and_me_show_role_tier_and_usage()
    {
        var (id, access, _) = await _gateway.SignUpAsync("ada@example.com");

        var me = await (await _gateway.Client(access).GetAsync(new Uri("/api/v1/auth/me", UriKind.Relative))).ReadJsonAsync();

        Assert.Equal(id, me["id"]!.GetValue<Guid>());
        Assert.Equal("fan", me["role"]!.GetValue<string>());
        Assert.Equal("free", me["tier"]!.GetValue<string>());
        Assert.Equal(50, me["usage"]!["hourly_limit"]!.GetValue<long>());
        Assert.Equal(1000, me["usage"]!["monthly_quota"]!.GetValue<long>());
        Assert.Equal(0, me["usage"]!["messages_this_month"]!.GetValue<long>());
    }

    [Fact]
    public async Task Login_answers_the_same_for_unknown_email_and_wrong_password()
    {
        await _gateway.SignUpAsync("known@example.com");

        using var wrong = await _gateway.Client().PostJsonAsync("/api/v1/auth/login", new { email = "known@example.com", password = "Not-the-password-1" });
        using var unknown = await _gateway.Client().PostJsonAsync("/api/v1/auth/login", new { email = "ghost@example.com", password = "Not-the-password-1" });

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal((await wrong.ReadJsonAsync())["detail"]!.ToString(), (await unknown.ReadJsonAsync())["detail"]!.ToString());
    }

    [Fact]
    public async Task Emails_are_case_insensitive_and_unique()
    {
        await _gateway.SignUpAsync("Case@Example.com");

        using var again = await _gateway.Client().PostJsonAsync("/api/v1/auth/register", new { email = "case@example.COM", password = "Another-pass-9" });
        var login = await _gateway.LoginAsync("CASE@example.com", "Fan-password-7");

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.NotNull(login["access_token"]);
    }

    [Theory]
    [InlineData("not-an-email", "Good-password-1", "email")]
    [InlineData("a@b", "Good-password-1", "email")]
    [InlineData("x@example.com", "short1", "password")]
    [InlineData("x@example.com", "onlyletterslong", "password")]
    [InlineData("x@example.com", "password123", "password")]
    [InlineData("x@example.com", "aaaaaaaaaaaa1", "password")]
    public async Task Weak_passwords_and_bad_emails_are_field_errors(string email, string password, string field)
    {
        using var response = await _gateway.Client().PostJsonAsync("/api/v1/auth/register", new { email, password });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await response.ReadJsonAsync())["errors"]![field]);
    }

    [Fact]
    public async Task Injection_and_script_strings_are_stored_as_plain_text()
    {
        const string name = "<script>alert(1)</script>'; DROP TABLE users; --";
        var client = _gateway.Client();
        using var registered = await client.PostJsonAsync("/api/v1/auth/register",
            new { email = "robert@example.com", password = "Tables-are-fine-1", name });
        using var sneaky = await client.PostJsonAsync("/api/v1/auth/login",
            new { email = "' OR '1'='1' --@example.com", password = "' OR '1'='1" });

        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        Assert.Equal(name, (await registered.ReadJsonAsync())["name"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, sneaky.StatusCode);
        Assert.NotNull(await _gateway.LoginAsync("robert@example.com", "Tables-are-fine-1"));
    }

    [Fact]
    public async Task Refresh_rotates_and_the_old_token_stops_working()
    {
        var (_, _, refresh) = await _gateway.SignUpAsync();

        using var first = await _gateway.Client().PostJsonAsync("/api/v1/auth/refresh", new { refresh_token = refresh });
        var rotated = await first.ReadJsonAsync();
        using var next = await _gateway.Client().PostJsonAsync("/api/v1/auth/refresh", new { refresh_token = rotated["refresh_token"]!.GetValue<string>() });

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.NotEqual(refresh, rotated["refresh_token"]!.GetValue<string>());
        Assert.Equal("bearer", rotated["token_type"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task Reusing_a_rotated_refresh_token_revokes_the_whole_family_and_is_audited()
    {
        var (userId, _, stolen) = await _gateway.SignUpAsync();
        using var legit = await _gateway.Client().PostJsonAsync("/api/v1/auth/refresh", new { refresh_token = stolen });
        var legitRefresh = (await legit.ReadJsonAsync())["refresh_token"]!.GetValue<string>();

        using var replay = await _gateway.Client().PostJsonAsync("/api/v1/auth/refresh", new { refresh_token = stolen });
        using var afterReplay = await _gateway.Client().PostJsonAsync("/api/v1/auth/refresh", new { refresh_token = legitRefresh });

        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterReplay.StatusCode);
        var audit = await (await _gateway.Client(await _gateway.AdminTokenAsync())
            .GetAsync(new Uri("/api/v1/admin/audit?event=refresh_token_reused", UriKind.Relative))).ReadJsonAsync();
        Assert.Contains(audit["items"]!.AsArray(), e => e!["subject_id"]!.GetValue<Guid>() == userId);
    }

    [Fact]
    public async Task Concurrent_refreshes_with_one_token_yield_exactly_one_success()
    {
        var (_, _, refresh) = await _gateway.SignUpAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _gateway.Client().PostJsonAsync("/api/v1/auth/refresh", new { refresh_token = refresh })));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
    }

    [Fact]
    public async Task Garbage_refresh_tokens_are_401()
    {
        using var response = await _gateway.Client().PostJsonAsync("/api/v1/auth/refresh", new { refresh_token = "rt_' OR 1=1 --" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Logout_revokes_the_refresh_token()
    {
        var (_, access, refresh) = await _gateway.SignUpAsync();

        using var logout = await _gateway.Client(access).PostJsonAsync("/api/v1/auth/logout", new { refresh_token = refresh });
        using var refreshed = await _gateway.Client().PostJsonAsync("/api/v1/auth/refresh", new { refresh_token = refresh });

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refreshed.StatusCode);
    }

    [Fact]
    public async Task Brute_force_on_one_account_is_locked_out_even_with_the_right_password()
    {
        await _gateway.SignUpAsync("target@example.com");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 11; i++)
        {
            using var attempt = await _gateway.Client().PostJsonAsync("/api/v1/auth/login", new { email = "target@example.com", password = $"Guess-number-{i}" });
            statuses.Add(attempt.StatusCode);
        }

        using var right = await _gateway.Client().PostJsonAsync("/api/v1/auth/login", new { email = "target@example.com", password = "Fan-password-7" });

        Assert.All(statuses.Take(10), s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[10]);
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.NotNull(right.Headers.RetryAfter);
    }

    [Fact]
    public async Task Audit_log_records_logins_and_failures_without_secrets()
    {
        await _gateway.SignUpAsync("audited@example.com");
        using var failed = await _gateway.Client().PostJsonAsync("/api/v1/auth/login", new { email = "audited@example.com", password = "Wrong-password-1" });

        var admin = _gateway.Client(await _gateway.AdminTokenAsync());
        var text = await admin.GetStringAsync(new Uri("/api/v1/admin/audit?limit=200", UriKind.Relative));

        Assert.Contains("login_failed", text, StringComparison.Ordinal);
        Assert.Contains("login_succeeded", text, StringComparison.Ordinal);
        Assert.Contains("register", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Wrong-password-1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Fan-password-7", text, StringComparison.Ordinal);
    }
}
