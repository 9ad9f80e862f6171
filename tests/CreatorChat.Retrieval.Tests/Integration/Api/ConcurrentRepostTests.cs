using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CreatorChat.Retrieval.Tests.Support;
using CreatorChat.ServiceDefaults.Security;
using CreatorChat.Testing;

namespace CreatorChat.Retrieval.Tests.Integration.Api;

/// <summary>
/// Re-posting one video id many times at once while the ingestion workers claim and activate its jobs:
/// every request is accepted (or refused with a clean 409), never a Postgres deadlock (40P01) turned into a 5xx.
/// </summary>
[Collection(RetrievalCollection.Name)]
public sealed class ConcurrentRepostTests(RetrievalServiceFixture service) : IClassFixture<RetrievalServiceFixture>
{
    [Fact]
    public async Task Thirty_two_concurrent_reposts_of_one_video_are_all_answered_202_and_the_video_ends_ready()
    {
        var owner = Guid.NewGuid();
        var slug = await service.CreateCreatorAsync(owner);
        var client = service.Client(service.UserToken(owner, PlatformRoles.Creator));
        var transcript = Transcripts.Srt(Transcripts.Bread);

        var statuses = new List<HttpStatusCode>();
        for (var round = 0; round < 3; round++)
        {
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var posts = Enumerable.Range(0, 32).Select(i => Task.Run(async () =>
            {
                await start.Task;
                using var response = await client.PostJsonAsync($"/api/v1/creators/{slug}/videos", new
                {
                    video_id = "same-video", title = $"Bread take {round}.{i}", format = "srt", transcript,
                });
                return response.StatusCode;
            })).ToList();
            start.SetResult();
            statuses.AddRange(await Task.WhenAll(posts));
        }

        var unexpected = statuses.Where(s => s is not (HttpStatusCode.Accepted or HttpStatusCode.Conflict)).ToList();
        Assert.True(unexpected.Count == 0, $"{unexpected.Count} of {statuses.Count} re-posts got {string.Join(", ", unexpected.Distinct())}");
        Assert.Contains(HttpStatusCode.Accepted, statuses);

        var video = await Eventually.WaitAsync(
            async () => (await client.GetFromJsonAsync<JsonArray>(new Uri($"/api/v1/creators/{slug}/videos", UriKind.Relative)))!.Single(v => v!["video_id"]!.GetValue<string>() == "same-video")!["status"]!.GetValue<string>(),
            status => status == "ready", TimeSpan.FromSeconds(30), "the re-posted video to be ready");
        Assert.Equal("ready", video);
    }
}
