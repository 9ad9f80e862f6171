using System.Net;
using System.Net.Http.Json;
using CreatorChat.Creator.Tests.Support;
using CreatorChat.ServiceDefaults.Security;
using CreatorChat.Testing;
using Xunit;

namespace CreatorChat.Creator.Tests.Integration;

[Collection(InfrastructureCollection.Name)]
public sealed class CreatorsApiTests : IAsyncLifetime
{
    private readonly CreatorServiceFixture _service;
    private readonly Guid _owner = Guid.NewGuid();

    public CreatorsApiTests(InfrastructureFixture infrastructure) => _service = new CreatorServiceFixture(infrastructure);

    public Task InitializeAsync() => _service.InitializeAsync();

    public Task DisposeAsync() => _service.DisposeAsync();

    private HttpClient Owner => _service.Client(_service.Tokens.User(_owner, PlatformRoles.Creator));

    private static object NewCreator(string slug, string name = "Ada Cooks") =>
        new { slug, name, specialty = "Baking", description = "Bread science", avatar_url = "https://img.example.org/a.png", persona = "Warm and precise." };

    [Fact]
    public async Task Create_then_read_it_back_publicly_without_persona_or_owner()
    {
        using var created = await Owner.PostJsonAsync("/api/v1/creators", NewCreator("ada-cooks"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/v1/creators/ada-cooks", created.Headers.Location?.OriginalString);

        using var fetched = await _service.Client().GetAsync(new Uri("/api/v1/creators/ada-cooks", UriKind.Relative));
        var body = await fetched.ReadJsonAsync();
        Assert.Equal("ada-cooks", body["slug"]!.GetValue<string>());
        Assert.Equal("Ada Cooks", body["name"]!.GetValue<string>());
        Assert.Equal("https://img.example.org/a.png", body["avatar_url"]!.GetValue<string>());
        Assert.Null(body["persona"]);
        Assert.Null(body["owner_id"]);

        var list = await _service.Client().GetFromJsonAsync<List<Dictionary<string, object>>>(new Uri("/api/v1/creators", UriKind.Relative));
        Assert.Contains(list!, c => c["slug"].ToString() == "ada-cooks");
    }

    [Theory]
    [InlineData("Bad Slug")]
    [InlineData("ab")]
    [InlineData("-leading")]
    [InlineData("trailing-")]
    [InlineData("double--hyphen")]
    [InlineData("ünïcode")]
    [InlineData("x'; DROP TABLE creators; --")]
    [InlineData("final-newline\n")]
    public async Task Bad_slugs_are_rejected_with_a_field_error(string slug)
    {
        using var response = await Owner.PostJsonAsync("/api/v1/creators", NewCreator(slug));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        Assert.NotNull(problem["errors"]!["slug"]);
    }

    [Fact]
    public async Task Too_long_fields_and_bad_urls_are_each_reported()
    {
        using var response = await Owner.PostJsonAsync("/api/v1/creators", new
        {
            slug = "long-fields",
            name = new string('n', 101),
            description = new string('d', 2001),
            persona = new string('p', 8001),
            avatar_url = "javascript:alert(1)",
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.ReadJsonAsync())["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("name"));
        Assert.True(errors.ContainsKey("description"));
        Assert.True(errors.ContainsKey("persona"));
        Assert.True(errors.ContainsKey("avatar_url"));
    }

    [Fact]
    public async Task Duplicate_slug_is_a_conflict()
    {
        using var first = await Owner.PostJsonAsync("/api/v1/creators", NewCreator("dupe-slug"));
        using var second = await _service.Client(_service.Tokens.User(Guid.NewGuid(), PlatformRoles.Creator))
            .PostJsonAsync("/api/v1/creators", NewCreator("dupe-slug", "Someone else"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.NotNull((await second.ReadJsonAsync())["errors"]!["slug"]);
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem_not_a_500()
    {
        using var content = new StringContent("{\"slug\": ", System.Text.Encoding.UTF8, "application/json");
        using var response = await Owner.PostAsync(new Uri("/api/v1/creators", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("Exception", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_creators_and_admins_create_and_only_signed_in()
    {
        using var anonymous = await _service.Client().PostJsonAsync("/api/v1/creators", NewCreator("anon-try"));
        using var fan = await _service.Client(_service.Tokens.User(Guid.NewGuid())).PostJsonAsync("/api/v1/creators", NewCreator("fan-try"));
        using var admin = await _service.Client(_service.Tokens.User(Guid.NewGuid(), PlatformRoles.Admin)).PostJsonAsync("/api/v1/creators", NewCreator("admin-made"));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, fan.StatusCode);
        Assert.Equal(HttpStatusCode.Created, admin.StatusCode);
    }

    [Fact]
    public async Task Patch_updates_given_fields_clears_nulls_and_keeps_the_rest()
    {
        await Owner.PostJsonAsync("/api/v1/creators", NewCreator("patch-me"));

        using var response = await Owner.PatchAsJsonAsync(new Uri("/api/v1/creators/patch-me", UriKind.Relative),
            new Dictionary<string, object?> { ["name"] = "New Name", ["specialty"] = null });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal("New Name", body["name"]!.GetValue<string>());
        Assert.Null(body["specialty"]);
        Assert.Equal("Bread science", body["description"]!.GetValue<string>());
    }

    [Fact]
    public async Task Patch_rejects_slug_changes_unknown_fields_and_empty_bodies()
    {
        await Owner.PostJsonAsync("/api/v1/creators", NewCreator("patch-rules"));

        using var slug = await Owner.PatchAsJsonAsync(new Uri("/api/v1/creators/patch-rules", UriKind.Relative), new { slug = "other" });
        using var unknown = await Owner.PatchAsJsonAsync(new Uri("/api/v1/creators/patch-rules", UriKind.Relative), new { owner_id = Guid.NewGuid() });
        using var empty = await Owner.PatchAsJsonAsync(new Uri("/api/v1/creators/patch-rules", UriKind.Relative), new { });
        using var nullName = await Owner.PatchAsJsonAsync(new Uri("/api/v1/creators/patch-rules", UriKind.Relative), new Dictionary<string, object?> { ["name"] = null });

        Assert.Equal(HttpStatusCode.BadRequest, slug.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, nullName.StatusCode);
    }

    [Fact]
    public async Task Someone_elses_creator_looks_missing_but_admins_can_manage_it()
    {
        await Owner.PostJsonAsync("/api/v1/creators", NewCreator("not-yours"));
        var stranger = _service.Client(_service.Tokens.User(Guid.NewGuid(), PlatformRoles.Creator));
        var admin = _service.Client(_service.Tokens.User(Guid.NewGuid(), PlatformRoles.Admin));

        using var patch = await stranger.PatchAsJsonAsync(new Uri("/api/v1/creators/not-yours", UriKind.Relative), new { name = "Hijacked" });
        using var delete = await stranger.DeleteAsync(new Uri("/api/v1/creators/not-yours", UriKind.Relative));
        using var adminPatch = await admin.PatchAsJsonAsync(new Uri("/api/v1/creators/not-yours", UriKind.Relative), new { name = "Fixed by admin" });

        Assert.Equal(HttpStatusCode.NotFound, patch.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        Assert.Equal(HttpStatusCode.OK, adminPatch.StatusCode);
    }

    [Fact]
    public async Task Deleted_creators_disappear_and_their_slug_stays_reserved()
    {
        await Owner.PostJsonAsync("/api/v1/creators", NewCreator("gone-soon"));

        using var deleted = await Owner.DeleteAsync(new Uri("/api/v1/creators/gone-soon", UriKind.Relative));
        using var fetched = await _service.Client().GetAsync(new Uri("/api/v1/creators/gone-soon", UriKind.Relative));
        using var again = await Owner.PostJsonAsync("/api/v1/creators", NewCreator("gone-soon"));

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, fetched.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Listing_pages_by_slug()
    {
        foreach (var slug in new[] { "page-a", "page-b", "page-c" })
        {
            await Owner.PostJsonAsync("/api/v1/creators", NewCreator(slug));
        }

        var first = await _service.Client().GetFromJsonAsync<List<Dictionary<string, object>>>(new Uri("/api/v1/creators?after=page-&limit=2", UriKind.Relative));
        var next = await _service.Client().GetFromJsonAsync<List<Dictionary<string, object>>>(new Uri("/api/v1/creators?after=page-b&limit=2", UriKind.Relative));
        using var bad = await _service.Client().GetAsync(new Uri("/api/v1/creators?limit=0", UriKind.Relative));

        Assert.Equal(["page-a", "page-b"], first!.Select(c => c["slug"].ToString()));
        Assert.Equal("page-c", next![0]["slug"].ToString());
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Unknown_creator_and_unknown_route_are_404_problems()
    {
        using var creator = await _service.Client().GetAsync(new Uri("/api/v1/creators/nobody-here", UriKind.Relative));
        using var route = await _service.Client().GetAsync(new Uri("/api/v1/nothing", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, creator.StatusCode);
        Assert.Equal("application/problem+json", creator.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, route.StatusCode);
        Assert.Equal("application/problem+json", route.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Internal_profile_needs_a_service_token_and_includes_persona_and_owner()
    {
        await Owner.PostJsonAsync("/api/v1/creators", NewCreator("internal-view"));

        using var asUser = await Owner.GetAsync(new Uri("/internal/v1/creators/internal-view", UriKind.Relative));
        using var asService = await _service.Client(_service.Tokens.Service("chat")).GetAsync(new Uri("/internal/v1/creators/internal-view", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, asUser.StatusCode);
        var profile = await asService.ReadJsonAsync();
        Assert.Equal("Warm and precise.", profile["persona"]!.GetValue<string>());
        Assert.Equal(_owner, profile["owner_id"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task Internal_stats_count_active_creators_for_services_only()
    {
        await Owner.PostJsonAsync("/api/v1/creators", NewCreator("stats-one"));

        using var asUser = await Owner.GetAsync(new Uri("/internal/v1/stats", UriKind.Relative));
        var stats = await (await _service.Client(_service.Tokens.Service("gateway")).GetAsync(new Uri("/internal/v1/stats", UriKind.Relative))).ReadJsonAsync();

        Assert.Equal(HttpStatusCode.Forbidden, asUser.StatusCode);
        Assert.True(stats["creators"]!.GetValue<long>() >= 1);
    }

    [Fact]
    public async Task Tokens_signed_with_another_key_are_refused()
    {
        var forged = new TestTokens("another-key-that-is-long-enough-to-sign-tokens").User(_owner, PlatformRoles.Admin);

        using var response = await _service.Client(forged).PostJsonAsync("/api/v1/creators", NewCreator("forged-admin"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Health_and_alive_answer_without_details()
    {
        using var health = await _service.Client().GetAsync(new Uri("/health", UriKind.Relative));
        using var alive = await _service.Client().GetAsync(new Uri("/alive", UriKind.Relative));

        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", await alive.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Every_response_carries_a_request_id_and_echoes_a_sane_one()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/creators");
        request.Headers.Add("X-Request-Id", "client-abc-123");
        using var echoed = await _service.Client().SendAsync(request);
        using var insane = new HttpRequestMessage(HttpMethod.Get, "/api/v1/creators");
        insane.Headers.TryAddWithoutValidation("X-Request-Id", "<script>" + new string('x', 300));
        using var replaced = await _service.Client().SendAsync(insane);

        Assert.Equal("client-abc-123", echoed.Headers.GetValues("X-Request-Id").Single());
        Assert.Matches("^[a-f0-9]{32}$", replaced.Headers.GetValues("X-Request-Id").Single());
    }
}
