using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CreatorChat.AppHost.Seeding;
using CreatorChat.Retrieval.Tests.Support;
using CreatorChat.Testing;
using Npgsql;

namespace CreatorChat.Retrieval.Tests.EndToEnd;

/// <summary>Through the gateway, with every service a real process: what the issue's "done when" asks for.</summary>
[Collection(KnowledgePlatformCollection.Name)]
public sealed class KnowledgeEndToEndTests(KnowledgePlatformFixture fixture, ITestOutputHelper output)
{
    [RequiresSubtitlesFact]
    public async Task The_82_course_videos_are_ingested_through_the_gateway_and_the_pipeline_question_finds_its_second()
    {
        var owner = fixture.Gateway(fixture.CreatorToken);
        using (var created = await owner.PostJsonAsync("/api/v1/creators", new { slug = "hf-course", name = "Hugging Face course", specialty = "NLP" }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var videos = SharedData.HfCourseVideos();
        var cues = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(videos, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (video, _) =>
        {
            var transcript = await File.ReadAllTextAsync(video.Path);
            Interlocked.Add(ref cues, transcript.Split("-->").Length - 1);
            await RetrievalServiceFixture.PostVideoAsync(owner, "hf-course", video.VideoId, video.Title, transcript, "srt", video.Url);
        });
        var posted = clock.Elapsed;

        var listed = await Eventually.WaitAsync(
            async () => (await owner.GetFromJsonAsync<JsonArray>(new Uri("/api/v1/creators/hf-course/videos", UriKind.Relative)))!,
            list => list.Count == 82 && list.All(v => v!["status"]!.GetValue<string>() is "ready" or "failed"),
            TimeSpan.FromSeconds(240), "all 82 videos to be ingested", intervalMs: 200); // the semantic model embeds every chunk: minutes on a busy 2-core machine
        var ingested = clock.Elapsed;
        output.WriteLine($"82 files, {cues} cues: posted in {posted.TotalSeconds:0.00} s, all searchable after {ingested.TotalSeconds:0.00} s ({cues / ingested.TotalSeconds:0} cues/s end to end)");

        Assert.All(listed, v => Assert.Equal("ready", v!["status"]!.GetValue<string>()));
        Assert.Equal(videos.Select(v => v.VideoId).Order(), listed.Select(v => v!["video_id"]!.GetValue<string>()).Order());

        var results = await RetrievalServiceFixture.SearchAsync(owner, "hf-course", "what does the pipeline function do");
        var best = results[0]!;
        output.WriteLine(string.Join('\n', results.Select(r => $"{r!["score"]} {r["video_id"]} {r["title"]} {r["url"]}")));
        Assert.Equal("tiZFewofSLM", best["video_id"]!.GetValue<string>());
        Assert.Equal("The pipeline function", best["title"]!.GetValue<string>());
        Assert.Equal("https://www.youtube.com/watch?v=tiZFewofSLM&t=5s", best["url"]!.GetValue<string>());
        Assert.StartsWith("The pipeline function. The pipeline function is the most high level API", best["text"]!.GetValue<string>(), StringComparison.Ordinal);

        foreach (var (question, videoId) in new[]
                 {
                     ("what is dynamic padding", "7q5NyFT8REg"),
                     ("how does byte pair encoding tokenization work", "HEikzVL-lZU"),
                     ("what is the BLEU metric", "M05L1DhFqcw"),
                 })
        {
            var found = await RetrievalServiceFixture.SearchAsync(owner, "hf-course", question, k: 3);
            Assert.Equal(videoId, found[0]!["video_id"]!.GetValue<string>());
        }

        // The public creator list learns the count from retrieval (pushed, not composed by the gateway).
        await Eventually.WaitAsync(
            async () => (await fixture.Gateway().GetFromJsonAsync<JsonObject>(new Uri("/api/v1/creators/hf-course", UriKind.Relative)))!["video_count"]!.GetValue<int>(),
            count => count == 82, TimeSpan.FromSeconds(15), "video_count 82 in the public creator profile");
    }

    [Fact]
    public async Task A_replica_killed_in_the_middle_of_a_job_is_restarted_and_the_job_still_completes()
    {
        var owner = fixture.Gateway(fixture.CreatorToken);
        using (var created = await owner.PostJsonAsync("/api/v1/creators", new { slug = "crash-lab", name = "Crash Lab" }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        // A first video creates the creator's vector partition; the test then holds its row lock, so the next
        // job's write blocks inside whichever replica claims it — a job caught mid-flight, deterministically.
        await RetrievalServiceFixture.WaitForJobAsync(owner, await RetrievalServiceFixture.PostVideoAsync(owner, "crash-lab", "warm-up", "Warm-up", Transcripts.Srt(Transcripts.Bread)));
        await using var database = new NpgsqlConnection(fixture.Platform.DatabaseConnectionString("retrievaldb"));
        await database.OpenAsync();
        var blocker = await database.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM vector_partitions WHERE creator_id = 'crash-lab' FOR UPDATE", database, blocker))
        {
            Assert.Equal(1, await lockRow.ExecuteScalarAsync());
        }

        var jobId = await RetrievalServiceFixture.PostVideoAsync(owner, "crash-lab", "steak-night", "Steak night", Transcripts.Srt(Transcripts.Searing));
        var leaseOwner = await Eventually.WaitAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(fixture.Platform.DatabaseConnectionString("retrievaldb"));
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT lease_owner FROM ingestion_jobs WHERE id = @id AND status = 'running'", connection);
            command.Parameters.AddWithValue("id", jobId);
            return await command.ExecuteScalarAsync() as string;
        }, owner => owner is not null, TimeSpan.FromSeconds(20), "a replica to claim the job");

        var pid = int.Parse(leaseOwner!.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
        var victim = fixture.Platform.Processes.Single(p => p.Id == pid);
        await Task.Delay(300); // well inside the blocked write
        using (var process = Process.GetProcessById(pid))
        {
            process.Kill(); // SIGKILL: no graceful hand-back, the lease has to expire
            await process.WaitForExitAsync();
        }

        await blocker.RollbackAsync();
        output.WriteLine($"killed {victim.Name} (pid {pid}) holding job {jobId}; restarting it");
        var restarted = await fixture.RestartAsync(victim);

        var job = await RetrievalServiceFixture.WaitForJobAsync(owner, jobId, TimeSpan.FromSeconds(45));
        Assert.Equal("succeeded", job["status"]!.GetValue<string>());
        Assert.Equal(2, job["attempts"]!.GetValue<int>());
        var results = await RetrievalServiceFixture.SearchAsync(owner, "crash-lab", "cast iron pan steak");
        Assert.Equal("steak-night", results[0]!["video_id"]!.GetValue<string>());
        await Eventually.WaitAsync(async () =>
        {
            using var probe = new HttpClient();
            try
            {
                return (await probe.GetAsync(new Uri(restarted.Url, "/health"))).StatusCode;
            }
            catch (HttpRequestException)
            {
                return HttpStatusCode.ServiceUnavailable;
            }
        }, status => status == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "the restarted replica to be healthy");
    }

    [Fact]
    public async Task The_demo_seeder_uploads_the_kitchen_lab_videos_once_and_they_answer_questions()
    {
        var seeder = new DemoSeeder(fixture.Gateway(), fixture.DemoDataFolder, output.WriteLine);
        const string password = "Maya-Demo-Password-123";

        var slug = await seeder.SeedAsync(fixture.Platform.AdminEmail, fixture.Platform.AdminPassword, password, CancellationToken.None);
        await seeder.SeedAsync(fixture.Platform.AdminEmail, fixture.Platform.AdminPassword, password, CancellationToken.None);

        var maya = fixture.Gateway(await fixture.LoginAsync(DemoSeeder.CreatorEmail, password));
        var videos = (await maya.GetFromJsonAsync<JsonArray>(new Uri($"/api/v1/creators/{slug}/videos", UriKind.Relative)))!;
        Assert.Equal(4, videos.Count);
        Assert.All(videos, v => Assert.Equal("ready", v!["status"]!.GetValue<string>()));
        Assert.All(videos, v => Assert.Null(v!["error"]));

        var hits = await RetrievalServiceFixture.SearchAsync(maya, slug, "how long should I preheat the dutch oven");
        Assert.Equal("kl-no-knead-bread", hits[0]!["video_id"]!.GetValue<string>());
        Assert.StartsWith("https://youtu.be/kl-no-knead-bread?t=", hits[0]!["url"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("kl-searing-science", (await RetrievalServiceFixture.SearchAsync(maya, slug, "does searing seal in the juices"))[0]!["video_id"]!.GetValue<string>());
        Assert.Equal("kl-onion-knife-skills", (await RetrievalServiceFixture.SearchAsync(maya, slug, "why do onions make me cry"))[0]!["video_id"]!.GetValue<string>());
        Assert.Equal("kl-sourdough-starter", (await RetrievalServiceFixture.SearchAsync(maya, slug, "my starter smells like nail polish"))[0]!["video_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Internal_routes_are_not_reachable_through_the_gateway()
    {
        using var response = await fixture.Gateway(fixture.CreatorToken).PostJsonAsync("/internal/v1/search", new { creator_id = "hf-course", query = "pipeline", k = 1 });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
