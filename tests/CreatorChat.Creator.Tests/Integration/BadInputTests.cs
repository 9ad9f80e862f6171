using System.Net;
using CreatorChat.Creator.Tests.Support;
using CreatorChat.ServiceDefaults.Http;
using CreatorChat.ServiceDefaults.Security;
using CreatorChat.Testing;
using Xunit;

namespace CreatorChat.Creator.Tests.Integration;

/// <summary>Issue 9, items 4-6: text Postgres cannot store is a 400 problem, a foreign charset a 415, never a 500.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class BadInputTests : IAsyncLifetime
{

    private readonly CreatorServiceFixture _service;
    private readonly Guid _owner = Guid.NewGuid();

    public BadInputTests(InfrastructureFixture infrastructure) => _service = new CreatorServiceFixture(infrastructure);

    public Task InitializeAsync() => _service.InitializeAsync();

    public Task DisposeAsync() => _service.DisposeAsync();

    private HttpClient Owner => _service.Client(_service.Tokens.User(_owner, PlatformRoles.Creator));

    public static TheoryData<byte[], string> BadText => new()
    {
        { HostileInput.InvalidUtf8, RequestText.InvalidUnicode },
        { "\\ud800"u8.ToArray(), RequestText.InvalidUnicode },
        { "\\u0000"u8.ToArray(), RequestText.ContainsNul },
    };

    [Theory]
    [MemberData(nameof(BadText))]
    public async Task Bad_text_in_a_creator_post_or_patch_is_a_400_problem(byte[] raw, string expected)
    {
        using (var post = await Owner.PostAsync(new Uri("/api/v1/creators", UriKind.Relative),
                   HostileInput.Json("{\"slug\":\"bad-post\",\"name\":\"Ada @@\",\"specialty\":\"Baking\"}", raw)))
        {
            await AssertProblemAsync(post, HttpStatusCode.BadRequest, expected);
        }

        using var created = await Owner.PostJsonAsync("/api/v1/creators", new { slug = "patched", name = "Ada Cooks", specialty = "Baking" });
        Assert.True(created.IsSuccessStatusCode, (int)created.StatusCode + await created.Content.ReadAsStringAsync());
        using var request = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/creators/patched")
        {
            Content = HostileInput.Json("{\"description\":\"Bread @@ science\"}", raw),
        };
        using var patch = await Owner.SendAsync(request);
        await AssertProblemAsync(patch, HttpStatusCode.BadRequest, expected);
    }

    [Theory]
    [InlineData("/api/v1/creators?after=%00")]
    public async Task A_nul_in_the_query_is_a_400_problem(string path)
    {
        using var response = await _service.Client().GetAsync(new Uri(path, UriKind.Relative));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, RequestText.ContainsNul);
    }

    [Fact]
    public async Task A_json_body_in_another_charset_is_a_415_problem()
    {
        using var response = await Owner.PostAsync(new Uri("/api/v1/creators", UriKind.Relative),
            HostileInput.Json("{\"slug\":\"charset\",\"name\":\"Ada\"}", "application/json; charset=bogus"));
        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "UTF-8");
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detailContains)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(detailContains, System.Text.Json.Nodes.JsonNode.Parse(text)!["detail"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
    }
}
