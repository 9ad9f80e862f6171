// Over 300 lines on purpose: the public knowledge API's whole contract (upload, jobs, list, delete, search, bad input) on one service fixture.
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CreatorChat.Retrieval.Tests.Support;
using CreatorChat.ServiceDefaults.Model;
using CreatorChat.ServiceDefaults.Security;
using CreatorChat.Testing;
using StackExchange.Redis;

namespace CreatorChat.Retrieval.Tests.Integration.Api;

/// <summary>The Knowledge API of the retrieval service, in-process, with the real creator service deciding ownership.</summary>
[Collection(RetrievalCollection.Name)]
public sealed class KnowledgeApiTests(RetrievalServiceFixture service) : IClassFixture<RetrievalServiceFixture>
{
    private readonly Guid _owner = Guid.NewGuid();

    private HttpClient As(Guid user, string role = PlatformRoles.Creator) => service.Client(service.UserToken(user, role));

    private async Task<(string Slug, HttpClient Owner)> NewCreatorAsync()
    {
        var slug = await service.CreateCreatorAsync(_owner);
        return (slug, As(_owner));
    }

    private static string Srt(string[] sentences) => Transcripts.Srt(sentences);

    [Fact]
    public async Task An_owner_uploads_a_video_watches_the_job_and_finds_the_passage_with_a_deep_link()
    {
        var (slug, owner) = await NewCreatorAsync();

        using var response = await owner.PostJsonAsync($"/api/v1/creators/{slug}/videos", new
        {
            video_id = "bread-0001a", title = "No-knead bread", url = "https://www.youtube.com/watch?v=bread-0001a",
            published_at = "2024-05-01T17:00:00Z", format = "srt", transcript = Srt(Transcripts.Bread),
        });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.ReadJsonAsync();
        var jobId = accepted["job_id"]!.GetValue<string>();
        Assert.Equal($"/api/v1/jobs/{jobId}", response.Headers.Location?.OriginalString);

        var job = await RetrievalServiceFixture.WaitForJobAsync(owner, Guid.Parse(jobId));
        Assert.Equal("succeeded", job["status"]!.GetValue<string>());
        Assert.Equal(1.0, job["progress"]!.GetValue<double>());
        Assert.Equal(5, job["cue_count"]!.GetValue<int>());
        Assert.Null(job["error"]);

        var videos = await owner.GetFromJsonAsync<JsonArray>(new Uri($"/api/v1/creators/{slug}/videos", UriKind.Relative));
        var video = Assert.Single(videos!)!;
        Assert.Equal("bread-0001a", video["video_id"]!.GetValue<string>());
        Assert.Equal("ready", video["status"]!.GetValue<string>());
        Assert.Equal(job["chunk_count"]!.GetValue<int>(), video["chunk_count"]!.GetValue<int>());
        Assert.Equal("https://www.youtube.com/watch?v=bread-0001a", video["url"]!.GetValue<string>());

        var results = await RetrievalServiceFixture.SearchAsync(owner, slug, "how long should the dutch oven preheat?");
        var best = results[0]!;
        Assert.Equal("bread-0001a", best["video_id"]!.GetValue<string>());
        Assert.Equal("No-knead bread", best["title"]!.GetValue<string>());
        Assert.Contains("Preheat the Dutch oven", best["text"]!.GetValue<string>(), StringComparison.Ordinal);
        var start = best["start_seconds"]!.GetValue<double>();
        Assert.Equal($"https://www.youtube.com/watch?v=bread-0001a&t={(int)start}s", best["url"]!.GetValue<string>());
        Assert.True(best["end_seconds"]!.GetValue<double>() > start);
        Assert.InRange(best["score"]!.GetValue<double>(), 0.1, 1.0);
    }

    [Fact]
    public async Task Only_the_owner_and_admins_reach_a_creators_knowledge()
    {
        var (slug, owner) = await NewCreatorAsync();
        var jobId = await RetrievalServiceFixture.PostVideoAsync(owner, slug, "vid-1", "Searing", Srt(Transcripts.Searing));
        await RetrievalServiceFixture.WaitForJobAsync(owner, jobId);
        var stranger = As(Guid.NewGuid());
        var fan = As(Guid.NewGuid(), PlatformRoles.Fan);
        var admin = As(Guid.NewGuid(), PlatformRoles.Admin);
        var anonymous = service.Client(null);
        var serviceToken = service.Client(service.Tokens.Service("chat"));

        var paths = new[] { $"/api/v1/creators/{slug}/videos", $"/api/v1/creators/{slug}/search?q=steak", $"/api/v1/jobs/{jobId}" };
        foreach (var path in paths)
        {
            Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync(new Uri(path, UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync(new Uri(path, UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(new Uri(path, UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await fan.GetAsync(new Uri(path, UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri(path, UriKind.Relative))).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await serviceToken.GetAsync(new Uri(path, UriKind.Relative))).StatusCode); // a service is not a user
        }

        var upload = new { video_id = "vid-2", title = "Intruder", format = "srt", transcript = Srt(Transcripts.Bread) };
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PostJsonAsync($"/api/v1/creators/{slug}/videos", upload)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostJsonAsync($"/api/v1/creators/{slug}/videos", upload)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.DeleteAsync(new Uri($"/api/v1/creators/{slug}/videos/vid-1", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostJsonAsync($"/api/v1/creators/{slug}/videos", upload)).StatusCode);

        var notFound = await (await stranger.GetAsync(new Uri(paths[0], UriKind.Relative))).ReadJsonAsync();
        Assert.Equal(404, notFound["status"]!.GetValue<int>()); // a problem document, the same as for a creator that does not exist
        var missing = await (await owner.GetAsync(new Uri("/api/v1/creators/no-such-creator/videos", UriKind.Relative))).ReadJsonAsync();
        Assert.Equal(notFound["title"]!.GetValue<string>(), missing["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bad_uploads_are_refused_with_a_problem_naming_each_field()
    {
        var (slug, owner) = await NewCreatorAsync();

        async Task<JsonObject> Refused(object body)
        {
            using var response = await owner.PostJsonAsync($"/api/v1/creators/{slug}/videos", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            return (await response.ReadJsonAsync())["errors"]!.AsObject();
        }

        var everything = await Refused(new { video_id = "no spaces!", title = "", url = "ftp://x", published_at = "yesterday", format = "docx", transcript = "" });
        Assert.Equal(["format", "published_at", "title", "transcript", "url", "video_id"], everything.Select(e => e.Key).Order());
        Assert.Contains("'docx' is not a transcript format", everything["format"]![0]!.GetValue<string>(), StringComparison.Ordinal);

        var missing = await Refused(new { });
        Assert.Equal(["format", "title", "transcript", "video_id"], missing.Select(e => e.Key).Order());

        var malformed = await Refused(new { video_id = "v1", title = "Broken", format = "srt", transcript = "1\n00:00:xx --> nope\nHello\n\njust some text\n" });
        var messages = malformed["transcript"]!.AsArray().Select(m => m!.GetValue<string>()).ToList();
        Assert.Contains("No readable srt caption cues", messages[0], StringComparison.Ordinal);
        Assert.Contains(messages, m => m.StartsWith("line 2:", StringComparison.Ordinal));

        var wrongFormat = await Refused(new { video_id = "v1", title = "VTT sent as SRT? fine. Text sent as VTT? no.", format = "vtt", transcript = "Just a paragraph of words." });
        Assert.True(wrongFormat.ContainsKey("transcript"));

        using var notJson = await owner.PostAsync(new Uri($"/api/v1/creators/{slug}/videos", UriKind.Relative), new StringContent("{ not json", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);

        var videos = await owner.GetFromJsonAsync<JsonArray>(new Uri($"/api/v1/creators/{slug}/videos", UriKind.Relative));
        Assert.Empty(videos!); // nothing was queued
    }

    [Fact]
    public async Task Oversize_transcripts_and_bodies_are_413_problems()
    {
        var (slug, owner) = await NewCreatorAsync();
        var line = "00:00:01,000 --> 00:00:02,000\nPadding words for a very long caption file.\n\n";
        var transcript = new StringBuilder();
        while (transcript.Length <= 5 * 1024 * 1024)
        {
            transcript.Append(line);
        }

        using var tooLong = await owner.PostJsonAsync($"/api/v1/creators/{slug}/videos", new { video_id = "big", title = "Big", format = "srt", transcript = transcript.ToString() });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLong.StatusCode);
        Assert.True((await tooLong.ReadJsonAsync())["errors"]!.AsObject().ContainsKey("transcript"));

        // Multi-byte characters count in bytes: 2 M "é" are 4 MB of UTF-8, under the limit; 2.7 M are not.
        // (sent unescaped, so the 5.4 MB body stays under the 6 MB body limit and the transcript check decides).
        using var multiByte = await owner.PostAsJsonAsync(new Uri($"/api/v1/creators/{slug}/videos", UriKind.Relative),
            new { video_id = "big", title = "Big", format = "text", transcript = new string('é', 2_700_000) },
            new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, multiByte.StatusCode);
        Assert.True((await multiByte.ReadJsonAsync())["errors"]!.AsObject().ContainsKey("transcript"));

        using var hugeBody = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"video_id\":\"big\",\"transcript\":\"" + new string('a', 7 * 1024 * 1024) + "\"}"));
        hugeBody.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var tooBig = await owner.PostAsync(new Uri($"/api/v1/creators/{slug}/videos", UriKind.Relative), hugeBody);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
        Assert.Equal("application/problem+json", tooBig.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("", "5", "q")]
    [InlineData("%20%20", "5", "q")]
    [InlineData("bread", "0", "k")]
    [InlineData("bread", "51", "k")]
    [InlineData("bread", "five", "k")]
    [InlineData("bread", "-1", "k")]
    public async Task Bad_searches_are_400_problems(string q, string k, string field)
    {
        var (slug, owner) = await NewCreatorAsync();

        using var response = await owner.GetAsync(new Uri($"/api/v1/creators/{slug}/search?q={q}&k={k}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.ReadJsonAsync())["errors"]!.AsObject().ContainsKey(field));
    }

    [Fact]
    public async Task Long_non_latin_and_odd_queries_get_sane_answers_never_a_5xx()
    {
        var (slug, owner) = await NewCreatorAsync();
        await RetrievalServiceFixture.WaitForJobAsync(owner, await RetrievalServiceFixture.PostVideoAsync(owner, slug, "bread", "Bread", Srt(Transcripts.Bread)));

        using var tooLong = await owner.GetAsync(new Uri($"/api/v1/creators/{slug}/search?q={new string('a', 10_000)}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains("1000", (await tooLong.ReadJsonAsync())["errors"]!["q"]![0]!.GetValue<string>(), StringComparison.Ordinal);

        foreach (var query in new[] { "パンの焼き方は？", "хлеб духовка", "🍞🔥", "?!.,;", new string('x', 1000), "the a of" })
        {
            var results = await RetrievalServiceFixture.SearchAsync(owner, slug, query, k: 3);
            Assert.InRange(results.Count, 1, 3); // the k best, whatever the query: nothing is cut, nothing fails
            Assert.All(results, r => Assert.InRange(r!["confidence"]!.GetValue<double>(), 0, 0.5));
        }

        var best = await RetrievalServiceFixture.SearchAsync(owner, slug, "How long do I heat the pot before the loaf goes in?", k: 3);
        Assert.Contains("Preheat the Dutch oven", best[0]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_creators_videos_and_jobs_are_404_problems()
    {
        var (slug, owner) = await NewCreatorAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await owner.PostJsonAsync("/api/v1/creators/nobody-here/videos", new { video_id = "v", title = "t", format = "text", transcript = "hello" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync(new Uri("/api/v1/creators/NOT_A_SLUG/videos", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync(new Uri("/api/v1/creators/nobody-here/search?q=x", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.DeleteAsync(new Uri($"/api/v1/creators/{slug}/videos/never-uploaded", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync(new Uri($"/api/v1/jobs/{Guid.NewGuid()}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync(new Uri("/api/v1/jobs/not-a-guid", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Reposting_a_video_replaces_its_content_without_duplicates()
    {
        var (slug, owner) = await NewCreatorAsync();
        var first = await RetrievalServiceFixture.PostVideoAsync(owner, slug, "weekly-1", "Kitchen notes", Srt(Transcripts.Bread));
        await RetrievalServiceFixture.WaitForJobAsync(owner, first);
        var before = await KnowledgeAsync(slug);
        Assert.NotEmpty(await RetrievalServiceFixture.SearchAsync(owner, slug, "dutch oven crust"));

        var second = await RetrievalServiceFixture.PostVideoAsync(owner, slug, "weekly-1", "Kitchen notes, corrected", Srt(Transcripts.Searing));
        var job = await RetrievalServiceFixture.WaitForJobAsync(owner, second);

        Assert.Equal("succeeded", job["status"]!.GetValue<string>());
        Assert.False(await RetrievalServiceFixture.FindsAsync(owner, slug, "dutch oven crust", "Dutch oven"));
        var seared = await RetrievalServiceFixture.SearchAsync(owner, slug, "cast iron pan steak");
        Assert.All(seared, r => Assert.Equal("Kitchen notes, corrected", r!["title"]!.GetValue<string>()));
        var videos = (await owner.GetFromJsonAsync<JsonArray>(new Uri($"/api/v1/creators/{slug}/videos", UriKind.Relative)))!;
        Assert.Single(videos);
        Assert.Equal(second.ToString(), videos[0]!["job_id"]!.GetValue<string>());
        var after = await KnowledgeAsync(slug);
        Assert.Equal(before["knowledge_version"]!.GetValue<long>() + 1, after["knowledge_version"]!.GetValue<long>());
        Assert.Equal(1, after["video_count"]!.GetValue<int>());
        await Eventually.WaitAsync(() => service.StoredChunksAsync(slug), n => n == job["chunk_count"]!.GetValue<int>(),
            TimeSpan.FromSeconds(10), "the old generation to leave the vector store");
    }

    [Fact]
    public async Task Deleting_a_video_removes_it_from_search_bumps_the_version_and_tells_the_platform()
    {
        var (slug, owner) = await NewCreatorAsync();
        var keep = await RetrievalServiceFixture.PostVideoAsync(owner, slug, "keep-me", "Pickles", Srt(Transcripts.Fermentation));
        var drop = await RetrievalServiceFixture.PostVideoAsync(owner, slug, "drop-me", "Steak", Srt(Transcripts.Searing));
        await RetrievalServiceFixture.WaitForJobAsync(owner, keep);
        await RetrievalServiceFixture.WaitForJobAsync(owner, drop);
        Assert.Equal(2, (await KnowledgeAsync(slug))["video_count"]!.GetValue<int>());
        var version = (await KnowledgeAsync(slug))["knowledge_version"]!.GetValue<long>();

        using var redis = await ConnectionMultiplexer.ConnectAsync(service.Infrastructure.RedisConnectionString);
        var published = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await redis.GetSubscriber().SubscribeAsync(KnowledgeChanged.Channel, (_, message) =>
        {
            if (message == slug)
            {
                published.TrySetResult(message!);
            }
        });

        using var deleted = await owner.DeleteAsync(new Uri($"/api/v1/creators/{slug}/videos/drop-me", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(slug, await published.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.DoesNotContain(await RetrievalServiceFixture.SearchAsync(owner, slug, "steak cast iron pan sear", k: 10), r => r!["video_id"]!.GetValue<string>() == "drop-me");
        Assert.NotEmpty(await RetrievalServiceFixture.SearchAsync(owner, slug, "brine pickles"));
        var knowledge = await KnowledgeAsync(slug);
        Assert.Equal(version + 1, knowledge["knowledge_version"]!.GetValue<long>());
        Assert.Equal(1, knowledge["video_count"]!.GetValue<int>());
        var videos = (await owner.GetFromJsonAsync<JsonArray>(new Uri($"/api/v1/creators/{slug}/videos", UriKind.Relative)))!;
        Assert.Equal(["keep-me"], videos.Select(v => v!["video_id"]!.GetValue<string>()));
        Assert.Equal((await KnowledgeAsync(slug))["chunk_count"]!.GetValue<int>(), await service.StoredChunksAsync(slug));
        Assert.Equal(HttpStatusCode.NotFound, (await owner.DeleteAsync(new Uri($"/api/v1/creators/{slug}/videos/drop-me", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task The_creator_list_gets_the_video_count_pushed_by_retrieval()
    {
        var (slug, owner) = await NewCreatorAsync();
        async Task<int> PublicVideoCount() =>
            (await (await service.CreatorClient(null).GetAsync(new Uri($"/api/v1/creators/{slug}", UriKind.Relative))).ReadJsonAsync())["video_count"]!.GetValue<int>();
        Assert.Equal(0, await PublicVideoCount());

        await RetrievalServiceFixture.WaitForJobAsync(owner, await RetrievalServiceFixture.PostVideoAsync(owner, slug, "a", "A", Srt(Transcripts.Bread)));
        await RetrievalServiceFixture.WaitForJobAsync(owner, await RetrievalServiceFixture.PostVideoAsync(owner, slug, "b", "B", Srt(Transcripts.Searing)));
        await Eventually.WaitAsync(PublicVideoCount, n => n == 2, TimeSpan.FromSeconds(10), "video_count 2 on the creator service");

        await owner.DeleteAsync(new Uri($"/api/v1/creators/{slug}/videos/a", UriKind.Relative));
        await Eventually.WaitAsync(PublicVideoCount, n => n == 1, TimeSpan.FromSeconds(10), "video_count 1 on the creator service");

        var listed = await service.CreatorClient(null).GetFromJsonAsync<JsonArray>(new Uri("/api/v1/creators?limit=500", UriKind.Relative));
        Assert.Equal(1, listed!.Single(c => c!["slug"]!.GetValue<string>() == slug)!["video_count"]!.GetValue<int>());

        // A late or repeated report (an older knowledge version) cannot roll the count back.
        using var stale = await service.CreatorClient(service.Tokens.Service("retrieval"))
            .PutAsJsonAsync(new Uri($"/internal/v1/creators/{slug}/knowledge", UriKind.Relative), new { video_count = 7, knowledge_version = 1 });
        Assert.Equal(HttpStatusCode.NoContent, stale.StatusCode);
        Assert.Equal(1, await PublicVideoCount());
    }

    [Fact]
    public async Task Chat_searches_through_the_internal_route_with_a_service_token()
    {
        var (slug, owner) = await NewCreatorAsync();
        await RetrievalServiceFixture.WaitForJobAsync(owner, await RetrievalServiceFixture.PostVideoAsync(owner, slug, "pickles", "Pickles", Srt(Transcripts.Fermentation)));
        var chat = service.Client(service.Tokens.Service("chat"));

        using var response = await chat.PostJsonAsync("/internal/v1/search", new { creator_id = slug, query = "how salty should the brine be", k = 2 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.ReadJsonAsync();
        Assert.Equal((await KnowledgeAsync(slug))["knowledge_version"]!.GetValue<long>(), body["knowledge_version"]!.GetValue<long>());
        var results = body["results"]!.AsArray();
        Assert.InRange(results.Count, 1, 2);
        Assert.Contains("two percent brine", results[0]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.StartsWith("https://youtu.be/pickles?t=", results[0]!["url"]!.GetValue<string>(), StringComparison.Ordinal);

        Assert.InRange(body["confidence"]!.GetValue<double>(), 0.5, 1.0);
        Assert.Equal(body["confidence"]!.GetValue<double>(), results[0]!["confidence"]!.GetValue<double>());

        // No score cut empties the list any more (min_score is accepted and ignored); the confidence says how good the best is.
        var strict = await (await chat.PostJsonAsync("/internal/v1/search", new { creator_id = slug, query = "how salty should the brine be", k = 5, min_score = 0.99 })).ReadJsonAsync();
        Assert.NotEmpty(strict["results"]!.AsArray());
        var offTopic = await (await chat.PostJsonAsync("/internal/v1/search", new { creator_id = slug, query = "who won the football world cup in 2018?", k = 5 })).ReadJsonAsync();
        Assert.NotEmpty(offTopic["results"]!.AsArray());
        Assert.InRange(offTopic["confidence"]!.GetValue<double>(), 0, 0.5);
        var unknown = await (await chat.PostJsonAsync("/internal/v1/search", new { creator_id = "never-seen", query = "brine", k = 5 })).ReadJsonAsync();
        Assert.Equal(0, unknown["knowledge_version"]!.GetValue<long>());
        Assert.Empty(unknown["results"]!.AsArray());

        var bad = await chat.PostJsonAsync("/internal/v1/search", new { creator_id = "", query = "", k = 500, min_score = 3 });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(["creator_id", "k", "min_score", "query"], (await bad.ReadJsonAsync())["errors"]!.AsObject().Select(e => e.Key).Order());

        Assert.Equal(HttpStatusCode.Forbidden, (await owner.PostJsonAsync("/internal/v1/search", new { creator_id = slug, query = "brine", k = 2 })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await service.Client(null).PostJsonAsync("/internal/v1/search", new { creator_id = slug, query = "brine", k = 2 })).StatusCode);

        var listed = await chat.GetFromJsonAsync<JsonArray>(new Uri($"/internal/v1/knowledge?creator_id={slug}&creator_id=never-seen", UriKind.Relative));
        Assert.Equal([slug], listed!.Select(k => k!["creator_id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Health_reports_ready_with_the_vector_store_usable()
    {
        using var response = await service.Client(null).GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_openapi_document_describes_the_public_routes_only()
    {
        var document = await service.Client(null).GetFromJsonAsync<JsonObject>(new Uri("/openapi/v1.json", UriKind.Relative));
        var paths = document!["paths"]!.AsObject().Select(p => p.Key).ToList();

        Assert.Contains("/api/v1/creators/{slug}/videos", paths);
        Assert.Contains("/api/v1/creators/{slug}/videos/{videoId}", paths);
        Assert.Contains("/api/v1/creators/{slug}/search", paths);
        Assert.Contains("/api/v1/jobs/{jobId}", paths);
        Assert.DoesNotContain(paths, p => p.StartsWith("/internal", StringComparison.Ordinal));
    }

    private async Task<JsonNode> KnowledgeAsync(string slug) =>
        await (await service.Client(service.Tokens.Service("chat")).GetAsync(new Uri($"/internal/v1/creators/{slug}/knowledge", UriKind.Relative))).ReadJsonAsync();
}
