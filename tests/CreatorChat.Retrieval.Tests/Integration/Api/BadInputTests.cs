using System.Net;
using CreatorChat.Retrieval.Tests.Support;
using CreatorChat.ServiceDefaults.Http;
using CreatorChat.ServiceDefaults.Security;
using CreatorChat.Testing;

namespace CreatorChat.Retrieval.Tests.Integration.Api;

/// <summary>Issue 9, items 4-6: a video's title or transcript that Postgres cannot store is a 400 problem, never a 500.</summary>
[Collection(RetrievalCollection.Name)]
public sealed class BadInputTests(RetrievalServiceFixture service) : IClassFixture<RetrievalServiceFixture>
{
    private readonly Guid _owner = Guid.NewGuid();

    [Theory]
    [InlineData("{\"video_id\":\"nul-title-01\",\"title\":\"Bread @@\",\"format\":\"text\",\"transcript\":\"Knead it well.\"}", "\\u0000", RequestText.ContainsNul)]
    [InlineData("{\"video_id\":\"nul-text-001\",\"title\":\"Bread\",\"format\":\"text\",\"transcript\":\"Knead @@ it well.\"}", "\\u0000", RequestText.ContainsNul)]
    [InlineData("{\"video_id\":\"surrogate-01\",\"title\":\"Bread @@\",\"format\":\"text\",\"transcript\":\"Knead it well.\"}", "\\ud800", RequestText.InvalidUnicode)]
    [InlineData("{\"video_id\":\"bytes-00001\",\"title\":\"Bread\",\"format\":\"text\",\"transcript\":\"Knead @@ it well.\"}", "", RequestText.InvalidUnicode)]
    public async Task Bad_text_in_a_video_is_a_400_problem(string template, string raw, string expected)
    {
        var slug = await service.CreateCreatorAsync(_owner);
        var owner = service.Client(service.UserToken(_owner, PlatformRoles.Creator));
        var bytes = raw.Length == 0 ? HostileInput.InvalidUtf8 : System.Text.Encoding.ASCII.GetBytes(raw);
        using var response = await owner.PostAsync(new Uri($"/api/v1/creators/{slug}/videos", UriKind.Relative), HostileInput.Json(template, bytes));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(expected, System.Text.Json.Nodes.JsonNode.Parse(text)!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_nul_in_a_search_query_is_a_400_problem()
    {
        var slug = await service.CreateCreatorAsync(_owner);
        using var response = await service.Client(service.UserToken(_owner, PlatformRoles.Creator))
            .GetAsync(new Uri($"/api/v1/creators/{slug}/search?q=bread%00", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
