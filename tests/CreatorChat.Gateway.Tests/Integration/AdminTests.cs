using System.Net;
using System.Net.Http.Json;
using CreatorChat.Gateway.Tests.Support;
using CreatorChat.Testing;
using Xunit;

namespace CreatorChat.Gateway.Tests.Integration;

public sealed class AdminTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private readonly GatewayFixture _gateway = gateway;

    [Fact]
    public async Task The_configured_admin_is_bootstrapped_once()
    {
        var me = await (await _gateway.Client(await _gateway.AdminTokenAsync()).GetAsync(new Uri("/api/v1/auth/me", UriKind.Relative))).ReadJsonAsync();

        Assert.Equal("admin", me["role"]!.GetValue<string>());
        await using var replica = _gateway.NewReplica();
        using var _ = replica.CreateClient();
        var users = await (await _gateway.Client(await _gateway.AdminTokenAsync()).GetAsync(new Uri($"/api/v1/admin/users?q={GatewayFixture.AdminEmail}", UriKind.Relative))).ReadJsonAsync();
        Assert.Single(users["items"]!.AsArray());
    }

    [Fact]
    public async Task Admin_routes_need_the_admin_role()
    {
        var (_, fan, _) = await _gateway.SignUpAsync();

        using var anonymous = await _gateway.Client().GetAsync(new Uri("/api/v1/admin/users", UriKind.Relative));
        using var asFan = await _gateway.Client(fan).GetAsync(new Uri("/api/v1/admin/users", UriKind.Relative));
        using var patch = await _gateway.Client(fan).PatchAsJsonAsync(new Uri($"/api/v1/admin/users/{Guid.NewGuid()}", UriKind.Relative), new { tier = "enterprise" });

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, asFan.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, patch.StatusCode);
    }

    [Fact]
    public async Task Users_page_newest_first_and_search_treats_wildcards_literally()
    {
        for (var i = 0; i < 5; i++)
        {
            await _gateway.SignUpAsync($"pager{i}@paging.example");
        }

        var admin = _gateway.Client(await _gateway.AdminTokenAsync());
        var first = await (await admin.GetAsync(new Uri("/api/v1/admin/users?q=paging.example&limit=3", UriKind.Relative))).ReadJsonAsync();
        var cursor = first["next_cursor"]!.GetValue<string>();
        var second = await (await admin.GetAsync(new Uri($"/api/v1/admin/users?q=paging.example&limit=3&cursor={cursor}", UriKind.Relative))).ReadJsonAsync();
        var wildcard = await (await admin.GetAsync(new Uri("/api/v1/admin/users?q=%25", UriKind.Relative))).ReadJsonAsync();
        using var badCursor = await admin.GetAsync(new Uri("/api/v1/admin/users?cursor=x' OR 1=1", UriKind.Relative));

        Assert.Equal(["pager4@paging.example", "pager3@paging.example", "pager2@paging.example"], first["items"]!.AsArray().Select(u => u!["email"]!.GetValue<string>()));
        Assert.Equal(2, second["items"]!.AsArray().Count);
        Assert.Empty(wildcard["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.BadRequest, badCursor.StatusCode);
    }

    [Fact]
    public async Task Tier_and_role_changes_apply_at_once_and_are_audited()
    {
        var (id, access, _) = await _gateway.SignUpAsync();
        var admin = _gateway.Client(await _gateway.AdminTokenAsync());

        using var upgraded = await admin.PatchAsJsonAsync(new Uri($"/api/v1/admin/users/{id}", UriKind.Relative), new { tier = "premium" });
        var me = await (await _gateway.Client(access).GetAsync(new Uri("/api/v1/auth/me", UriKind.Relative))).ReadJsonAsync();
        using var promoted = await admin.PatchAsJsonAsync(new Uri($"/api/v1/admin/users/{id}", UriKind.Relative), new { role = "creator" });
        using var oldToken = await _gateway.Client(access).GetAsync(new Uri("/api/v1/conversations", UriKind.Relative));
        var audit = await admin.GetStringAsync(new Uri("/api/v1/admin/audit?event=user_updated", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, upgraded.StatusCode);
        Assert.Equal("premium", me["tier"]!.GetValue<string>());
        Assert.Equal(500, me["usage"]!["hourly_limit"]!.GetValue<long>());
        Assert.Equal("creator", (await promoted.ReadJsonAsync())["role"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, oldToken.StatusCode);
        Assert.Contains("\"premium\"", audit, StringComparison.Ordinal);
        Assert.Contains("\"creator\"", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disabled_users_are_refused_everywhere()
    {
        var (id, access, refresh) = await _gateway.SignUpAsync("soon-disabled@example.com");
        var admin = _gateway.Client(await _gateway.AdminTokenAsync());

        using var disabled = await admin.PatchAsJsonAsync(new Uri($"/api/v1/admin/users/{id}", UriKind.Relative), new { disabled = true });
        using var proxied = await _gateway.Client(access).GetAsync(new Uri("/api/v1/conversations", UriKind.Relative));
        using var me = await _gateway.Client(access).GetAsync(new Uri("/api/v1/auth/me", UriKind.Relative));
        using var login = await _gateway.Client().PostJsonAsync("/api/v1/auth/login", new { email = "soon-disabled@example.com", password = "Fan-password-7" });
        using var refreshed = await _gateway.Client().PostJsonAsync("/api/v1/auth/refresh", new { refresh_token = refresh });

        Assert.Equal(HttpStatusCode.OK, disabled.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, proxied.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, login.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refreshed.StatusCode);
    }

    [Fact]
    public async Task Bad_updates_are_field_errors_and_admins_cannot_lock_themselves_out()
    {
        var (id, _, _) = await _gateway.SignUpAsync();
        var adminToken = await _gateway.AdminTokenAsync();
        var admin = _gateway.Client(adminToken);
        var adminId = (await (await admin.GetAsync(new Uri("/api/v1/auth/me", UriKind.Relative))).ReadJsonAsync())["id"]!.GetValue<Guid>();

        using var badTier = await admin.PatchAsJsonAsync(new Uri($"/api/v1/admin/users/{id}", UriKind.Relative), new { tier = "platinum" });
        using var badRole = await admin.PatchAsJsonAsync(new Uri($"/api/v1/admin/users/{id}", UriKind.Relative), new { role = "root" });
        using var empty = await admin.PatchAsJsonAsync(new Uri($"/api/v1/admin/users/{id}", UriKind.Relative), new { });
        using var self = await admin.PatchAsJsonAsync(new Uri($"/api/v1/admin/users/{adminId}", UriKind.Relative), new { disabled = true });
        using var missing = await admin.PatchAsJsonAsync(new Uri($"/api/v1/admin/users/{Guid.NewGuid()}", UriKind.Relative), new { tier = "premium" });

        Assert.Equal(HttpStatusCode.BadRequest, badTier.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badRole.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, self.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Stats_aggregate_what_answers_and_name_what_does_not()
    {
        await _gateway.SignUpAsync();

        var stats = await (await _gateway.Client(await _gateway.AdminTokenAsync()).GetAsync(new Uri("/api/v1/admin/stats", UriKind.Relative))).ReadJsonAsync();

        Assert.True(stats["users"]!.GetValue<long>() >= 2);
        Assert.Equal("redis", stats["rate_limiting"]!.GetValue<string>());
        Assert.Contains(stats["unavailable"]!.AsArray(), s => s!.GetValue<string>() == "retrieval");
    }
}
