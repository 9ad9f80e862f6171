using System.Net;
using System.Net.Http.Headers;
using CreatorChat.Chat.Tests.Support;
using CreatorChat.Chat.Text;
using CreatorChat.ServiceDefaults.Http;
using CreatorChat.Testing;
using Xunit;

namespace CreatorChat.Chat.Tests.Integration;

/// <summary>Issue 9, items 4-7 and 10: text no handler can store is the client's mistake, and every error is problem+json.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class BadInputTests(InfrastructureFixture infrastructure) : IAsyncLifetime
{
    private const string ChatTemplate = "{\"creator_id\":\"" + SampleKnowledge.Slug + "\",\"message\":\"why knead @@ dough?\"}";

    private readonly ChatServiceFixture _chat = new(infrastructure);

    public Task InitializeAsync() => _chat.InitializeAsync();

    public Task DisposeAsync() => _chat.DisposeAsync();

    public static TheoryData<string, string> Paths => new()
    {
        { "/api/v1/chat", "application/json" },
        { "/api/v1/chat", "text/event-stream" },
        { "/v1/chat/completions", "application/json" },
    };

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Invalid_utf8_a_lone_surrogate_or_a_nul_in_a_json_string_is_a_400_problem(string path, string accept)
    {
        var fan = _chat.Fan(Guid.NewGuid());
        var template = path == "/api/v1/chat"
            ? ChatTemplate
            : "{\"model\":\"" + SampleKnowledge.Slug + "\",\"messages\":[{\"role\":\"user\",\"content\":\"why knead @@?\"}]}";
        foreach (var (raw, expected) in new[]
                 {
                     (HostileInput.InvalidUtf8, RequestText.InvalidUnicode),
                     ("\\ud800"u8.ToArray(), RequestText.InvalidUnicode),
                     ("\\u0000"u8.ToArray(), RequestText.ContainsNul),
                 })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = HostileInput.Json(template, raw) };
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
            using var response = await fan.SendAsync(request);
            await AssertProblemAsync(response, HttpStatusCode.BadRequest, expected);
        }
    }

    [Fact]
    public async Task A_lone_surrogate_in_feedback_is_a_400_problem()
    {
        var fan = _chat.Fan(Guid.NewGuid());
        var answer = await ChatServiceFixture.AskAsync(fan, "Why knead bread dough?");
        using var response = await fan.PostAsync(new Uri($"/api/v1/messages/{answer["message_id"]}/feedback", UriKind.Relative),
            HostileInput.Json("{\"rating\":1,\"comment\":\"nice @@\"}", "\\udc00"u8.ToArray()));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, RequestText.InvalidUnicode);
    }

    [Fact]
    public async Task A_nul_in_the_query_string_is_a_400_problem()
    {
        using var response = await _chat.Fan(Guid.NewGuid()).GetAsync(new Uri("/api/v1/conversations?cursor=%00", UriKind.Relative));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, RequestText.ContainsNul);
    }

    [Theory]
    [InlineData("application/json; charset=bogus")]
    [InlineData("application/json; charset=latin1")]
    public async Task A_json_body_in_another_charset_is_a_415_problem(string contentType)
    {
        using var response = await _chat.Fan(Guid.NewGuid()).PostAsync(new Uri("/api/v1/chat", UriKind.Relative),
            HostileInput.Json(ChatTemplate, [], contentType));
        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "UTF-8");
    }

    [Fact]
    public async Task A_json_body_that_says_utf8_is_answered()
    {
        using var response = await _chat.Fan(Guid.NewGuid()).PostAsync(new Uri("/api/v1/chat", UriKind.Relative),
            HostileInput.Json(ChatTemplate, [], "application/json; charset=UTF-8"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Errors_asked_for_as_an_event_stream_are_problem_json_with_a_detail()
    {
        async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpContent content)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/chat") { Content = content };
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            return await client.SendAsync(request);
        }

        var fan = _chat.Fan(Guid.NewGuid());
        using (var malformed = await SendAsync(fan, HostileInput.Json("{\"creator_id\": \"x\", \"message\": ")))
        {
            await AssertProblemAsync(malformed, HttpStatusCode.BadRequest, "not valid JSON");
        }

        using (var anonymous = await SendAsync(_chat.Client(null), HostileInput.Json(ChatTemplate, [])))
        {
            await AssertProblemAsync(anonymous, HttpStatusCode.Unauthorized, "access token");
        }

        using (var notJson = await SendAsync(fan, new StringContent("hello", System.Text.Encoding.UTF8, "text/plain")))
        {
            await AssertProblemAsync(notJson, HttpStatusCode.UnsupportedMediaType, "application/json");
        }
    }

    [Fact]
    public async Task A_title_cut_never_splits_a_surrogate_pair()
    {
        var fan = _chat.Fan(Guid.NewGuid());
        var question = new string('x', 78) + "👍 what is transfer learning?";
        var answer = await ChatServiceFixture.AskAsync(fan, question);

        using var list = await fan.GetAsync(new Uri("/api/v1/conversations", UriKind.Relative));
        var title = (await list.ReadJsonAsync())["items"]!.AsArray().Single(c => c!["id"]!.GetValue<Guid>() == answer["conversation_id"]!.GetValue<Guid>())!["title"]!.GetValue<string>();
        Assert.Null(RequestText.Problem(title));
        Assert.StartsWith(new string('x', 78), title);
    }

    [Theory]
    [InlineData("👍👍👍👍", 3, "👍")]
    [InlineData("ab👍cd", 3, "ab")]
    [InlineData("ab👍cd", 4, "ab👍")]
    [InlineData("e\u0301e\u0301", 1, "")]
    public void A_text_element_boundary_is_never_inside_a_character(string text, int limit, string expected) =>
        Assert.Equal(expected, text[..TextAnalysis.TextElementBoundaryAtOrBefore(text, limit)]);

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detailContains)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = System.Text.Json.Nodes.JsonNode.Parse(text)!["detail"]?.GetValue<string>();
        Assert.NotNull(detail);
        Assert.Contains(detailContains, detail, StringComparison.OrdinalIgnoreCase);
    }
}
