// Over 300 lines on purpose: every behaviour of the ingestion worker (claims, leases, retries, failures) against one real database fixture.
using System.Net;
using CreatorChat.Retrieval.Infrastructure.Data;
using CreatorChat.Retrieval.Infrastructure.Ingestion;
using CreatorChat.Retrieval.Model;
using CreatorChat.Retrieval.Tests.Support;
using CreatorChat.Testing;

namespace CreatorChat.Retrieval.Tests.Integration.Ingestion;

/// <summary>The worker disabled in the service, so tests can play several replicas, crashes included, step by step.</summary>
public sealed class ManualWorkerFixture(InfrastructureFixture infrastructure) : RetrievalServiceFixture(infrastructure)
{
    protected override IReadOnlyDictionary<string, string?> Configuration => new Dictionary<string, string?>
    {
        ["Retrieval:Ingestion:Enabled"] = "false",
        ["Retrieval:Ingestion:MaxAttempts"] = "2",
        ["Retrieval:Reporting:Enabled"] = "false",
    };
}

[Collection(RetrievalCollection.Name)]
public sealed class IngestionWorkerTests(ManualWorkerFixture service) : IClassFixture<ManualWorkerFixture>
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(1);
    private readonly Guid _owner = Guid.NewGuid();

    private IngestionJobRepository Jobs => service.Service<IngestionJobRepository>();
    private VideoRepository Videos => service.Service<VideoRepository>();
    private KnowledgeRepository Knowledge => service.Service<KnowledgeRepository>();
    private IngestionWorker Worker => service.Service<IngestionWorker>();
    private HttpClient Owner => service.Client(service.UserToken(_owner));

    private async Task<(string Slug, Guid Job)> UploadAsync(string videoId, string[] sentences, string? slug = null)
    {
        slug ??= await service.CreateCreatorAsync(_owner);
        return (slug, await RetrievalServiceFixture.PostVideoAsync(Owner, slug, videoId, "Video " + videoId, Transcripts.Srt(sentences)));
    }

    private async Task<IngestionJob> JobAsync(Guid id) => (await Jobs.FindJobAsync(id, CancellationToken.None))!;

    // Drains every claimable job by playing a live replica (no-op when there is none).
    private async Task ClaimAndRunAsync(string owner = "live-replica")
    {
        var claimed = await Jobs.ClaimNextAsync(owner, Long, CancellationToken.None);
        Assert.NotNull(claimed);
        await Worker.RunAsync(claimed, CancellationToken.None);
    }

    [Fact]
    public async Task A_job_whose_replica_died_is_taken_over_when_its_lease_expires()
    {
        var (slug, jobId) = await UploadAsync("crash-1", Transcripts.Bread);

        var dead = await Jobs.ClaimNextAsync("dead-replica", TimeSpan.FromMilliseconds(700), CancellationToken.None);
        Assert.Equal(jobId, dead!.Job.Id);
        Assert.Null(await Jobs.ClaimNextAsync("live-replica", Long, CancellationToken.None)); // its lease still holds
        Assert.Equal("running", (await JobAsync(jobId)).Status);
        Assert.Equal("processing", (await Videos.FindVideoAsync(slug, "crash-1", CancellationToken.None))!.Status);

        await Task.Delay(800);
        var live = await Jobs.ClaimNextAsync("live-replica", Long, CancellationToken.None);
        Assert.Equal(jobId, live!.Job.Id);
        Assert.Equal(2, live.Job.Attempts);
        Assert.False(await Jobs.HeartbeatAsync(jobId, "dead-replica", 0.5f, Long, CancellationToken.None)); // the dead one has lost it

        await Worker.RunAsync(live, CancellationToken.None);

        var job = await JobAsync(jobId);
        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.Equal(2, job.Attempts);
        Assert.NotEmpty(await RetrievalServiceFixture.SearchAsync(Owner, slug, "dutch oven crust"));
        var late = await Jobs.ActivateAsync(jobId, "dead-replica", 1, 1, CancellationToken.None);
        Assert.Equal(ActivationOutcome.LeaseLost, late.Outcome); // a zombie replica cannot activate anything
    }

    [Fact]
    public async Task Nothing_a_job_writes_is_searchable_before_it_is_activated_and_a_replacement_flips_at_once()
    {
        var (slug, first) = await UploadAsync("atomic-1", Transcripts.Fermentation);
        var claimed = await Jobs.ClaimNextAsync("replica-a", Long, CancellationToken.None);
        var processor = service.Service<IngestionProcessor>();

        // Chunks are in the store, the job has not been activated: as if the replica were still running or had died here.
        var output = await processor.ProcessAsync(claimed!.Job, claimed.Transcript, _ => { }, CancellationToken.None);
        Assert.Equal(output.ChunkCount, (int)await service.StoredChunksAsync(slug));
        Assert.False(await RetrievalServiceFixture.FindsAsync(Owner, slug, "brine pickles", "brine"));

        Assert.Equal(ActivationOutcome.Activated, (await Jobs.ActivateAsync(first, "replica-a", output.CueCount, output.ChunkCount, CancellationToken.None)).Outcome);
        Assert.NotEmpty(await RetrievalServiceFixture.SearchAsync(Owner, slug, "brine pickles"));

        // A replacement: while its chunks are being written, search still answers from the old content only.
        var second = await RetrievalServiceFixture.PostVideoAsync(Owner, slug, "atomic-1", "Replacement", Transcripts.Srt(Transcripts.Searing));
        var replacing = await Jobs.ClaimNextAsync("replica-b", Long, CancellationToken.None);
        var replaced = await processor.ProcessAsync(replacing!.Job, replacing.Transcript, _ => { }, CancellationToken.None);
        Assert.NotEmpty(await RetrievalServiceFixture.SearchAsync(Owner, slug, "brine pickles"));
        Assert.False(await RetrievalServiceFixture.FindsAsync(Owner, slug, "cast iron steak", "steak"));

        await Jobs.ActivateAsync(second, "replica-b", replaced.CueCount, replaced.ChunkCount, CancellationToken.None);
        Assert.False(await RetrievalServiceFixture.FindsAsync(Owner, slug, "brine pickles", "brine"));
        Assert.NotEmpty(await RetrievalServiceFixture.SearchAsync(Owner, slug, "cast iron steak"));
    }

    [Fact]
    public async Task Concurrent_activations_for_one_creator_count_every_video()
    {
        var slug = await service.CreateCreatorAsync(_owner);
        var processor = service.Service<IngestionProcessor>();
        for (var round = 0; round < 3; round++)
        {
            var jobs = new List<(ClaimedJob Job, IngestionOutput Output)>();
            for (var i = 0; i < 8; i++)
            {
                await RetrievalServiceFixture.PostVideoAsync(Owner, slug, $"r{round}-v{i}", "Video", Transcripts.Srt(Transcripts.Bread));
                var claimed = (await Jobs.ClaimNextAsync($"replica-{i}", Long, CancellationToken.None))!;
                jobs.Add((claimed, await processor.ProcessAsync(claimed.Job, claimed.Transcript, _ => { }, CancellationToken.None)));
            }

            // Eight replicas activating at the same moment.
            using var start = new Barrier(jobs.Count);
            await Task.WhenAll(jobs.Select(j => Task.Run(async () =>
            {
                start.SignalAndWait();
                await Jobs.ActivateAsync(j.Job.Job.Id, j.Job.LeaseOwner, j.Output.CueCount, j.Output.ChunkCount, CancellationToken.None);
            })));

            var knowledge = await Knowledge.GetKnowledgeAsync(slug, CancellationToken.None);
            Assert.Equal((round + 1) * 8, knowledge.VideoCount);
            Assert.Equal((round + 1) * 8 * jobs[0].Output.ChunkCount, knowledge.ChunkCount);
        }
    }

    [Fact]
    public async Task A_replica_shutting_down_hands_its_job_back_at_once_with_progress_kept()
    {
        var (_, jobId) = await UploadAsync("graceful-1", Transcripts.Searing);
        var claimed = await Jobs.ClaimNextAsync("stopping-replica", Long, CancellationToken.None);
        Assert.True(await Jobs.HeartbeatAsync(jobId, "stopping-replica", 0.4f, Long, CancellationToken.None));
        Assert.Equal(0.4f, (await JobAsync(jobId)).Progress, 3);

        await Jobs.ReleaseAsync(claimed!.Job.Id, "stopping-replica", CancellationToken.None);

        var job = await JobAsync(jobId);
        Assert.Equal(JobStatus.Queued, job.Status);
        Assert.Equal(0, job.Attempts);
        var next = await Jobs.ClaimNextAsync("other-replica", Long, CancellationToken.None);
        Assert.Equal(jobId, next!.Job.Id);
        await Worker.RunAsync(next, CancellationToken.None);
        Assert.Equal(JobStatus.Succeeded, (await JobAsync(jobId)).Status);
    }

    [Fact]
    public async Task A_job_that_keeps_killing_its_replicas_is_given_up_with_a_reason()
    {
        var (slug, jobId) = await UploadAsync("poison-1", Transcripts.Bread);
        for (var crash = 0; crash < 2; crash++)
        {
            Assert.NotNull(await Jobs.ClaimNextAsync($"crashed-{crash}", TimeSpan.FromMilliseconds(200), CancellationToken.None));
            await Task.Delay(250);
        }

        await ClaimAndRunAsync();

        var job = await JobAsync(jobId);
        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.StartsWith("Gave up after 2 attempts", job.Error, StringComparison.Ordinal);
        var video = await Videos.FindVideoAsync(slug, "poison-1", CancellationToken.None);
        Assert.Equal(VideoStatus.Failed, video!.Status);
        Assert.Equal(job.Error, video.Error);
    }

    [Fact]
    public async Task A_bad_transcript_fails_its_own_job_and_the_others_go_through()
    {
        var slug = await service.CreateCreatorAsync(_owner);
        var good1 = await RetrievalServiceFixture.PostVideoAsync(Owner, slug, "good-1", "Good one", Transcripts.Srt(Transcripts.Bread));
        // Written straight to the queue: the API would refuse it; a job must survive such input too.
        var bad = await Jobs.EnqueueAsync(new NewIngestion(slug, "bad-1", "Bad", null, null, "srt", "this is not\nan srt file at all", null), CancellationToken.None);
        var good2 = await RetrievalServiceFixture.PostVideoAsync(Owner, slug, "good-2", "Good two", Transcripts.Srt(Transcripts.Searing));

        for (var i = 0; i < 3; i++)
        {
            await ClaimAndRunAsync();
        }

        Assert.Equal(JobStatus.Succeeded, (await JobAsync(good1)).Status);
        Assert.Equal(JobStatus.Succeeded, (await JobAsync(good2)).Status);
        var failed = await JobAsync(bad.Id);
        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Equal(1, failed.Attempts); // bad input is not retried
        Assert.Contains("No readable srt caption cues", failed.Error, StringComparison.Ordinal);
        var apiView = await (await Owner.GetAsync(new Uri($"/api/v1/jobs/{bad.Id}", UriKind.Relative))).ReadJsonAsync();
        Assert.Equal("failed", apiView["status"]!.GetValue<string>());
        Assert.Contains("No readable srt caption cues", apiView["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(2, (await Knowledge.GetKnowledgeAsync(slug, CancellationToken.None)).VideoCount);
    }

    [Fact]
    public async Task An_upload_replaced_while_it_runs_never_becomes_searchable()
    {
        var (slug, first) = await UploadAsync("replaced-1", Transcripts.Bread);
        var running = await Jobs.ClaimNextAsync("replica-a", Long, CancellationToken.None);
        var second = await RetrievalServiceFixture.PostVideoAsync(Owner, slug, "replaced-1", "Newer", Transcripts.Srt(Transcripts.Searing));

        await Worker.RunAsync(running!, CancellationToken.None);

        var superseded = await JobAsync(first);
        Assert.Equal(JobStatus.Failed, superseded.Status);
        Assert.Contains($"Superseded by a newer upload of this video (job {second})", superseded.Error, StringComparison.Ordinal);
        Assert.False(await RetrievalServiceFixture.FindsAsync(Owner, slug, "dutch oven crust", "Dutch oven"));

        await ClaimAndRunAsync();

        Assert.Equal(JobStatus.Succeeded, (await JobAsync(second)).Status);
        Assert.False(await RetrievalServiceFixture.FindsAsync(Owner, slug, "dutch oven crust", "Dutch oven"));
        Assert.NotEmpty(await RetrievalServiceFixture.SearchAsync(Owner, slug, "cast iron steak"));
        Assert.Equal((await JobAsync(second)).ChunkCount, (int)await service.StoredChunksAsync(slug)); // the loser's chunks are gone
    }

    [Fact]
    public async Task Queued_uploads_of_the_same_video_are_superseded_by_the_newest()
    {
        var (slug, first) = await UploadAsync("queued-1", Transcripts.Bread);
        var second = await RetrievalServiceFixture.PostVideoAsync(Owner, slug, "queued-1", "Again", Transcripts.Srt(Transcripts.Searing));

        Assert.Equal(JobStatus.Failed, (await JobAsync(first)).Status);
        await ClaimAndRunAsync();
        Assert.Equal(JobStatus.Succeeded, (await JobAsync(second)).Status);
        Assert.Null(await Jobs.ClaimNextAsync("live-replica", Long, CancellationToken.None));
    }

    [Fact]
    public async Task Deleting_a_video_while_its_job_runs_discards_the_job_and_its_chunks()
    {
        var (slug, jobId) = await UploadAsync("deleted-1", Transcripts.Fermentation);
        var running = await Jobs.ClaimNextAsync("replica-a", Long, CancellationToken.None);

        using var deleted = await Owner.DeleteAsync(new Uri($"/api/v1/creators/{slug}/videos/deleted-1", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await Worker.RunAsync(running!, CancellationToken.None);

        var job = await JobAsync(jobId);
        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Equal("The video was deleted.", job.Error);
        Assert.False(await RetrievalServiceFixture.FindsAsync(Owner, slug, "brine pickles", "brine"));
        Assert.Equal(0, await service.StoredChunksAsync(slug));
        var videos = await (await Owner.GetAsync(new Uri($"/api/v1/creators/{slug}/videos", UriKind.Relative))).ReadJsonAsync();
        Assert.Empty(videos.AsArray());
    }

    [Fact]
    public async Task Finished_jobs_are_forgotten_after_the_retention_unless_a_video_points_at_them()
    {
        var (slug, first) = await UploadAsync("retained-1", Transcripts.Bread);
        await ClaimAndRunAsync();
        var second = await RetrievalServiceFixture.PostVideoAsync(Owner, slug, "retained-1", "v2", Transcripts.Srt(Transcripts.Searing));
        await ClaimAndRunAsync();

        await Jobs.PruneFinishedJobsAsync(TimeSpan.Zero, CancellationToken.None);

        Assert.Null(await Jobs.FindJobAsync(first, CancellationToken.None)); // replaced: forgotten
        Assert.NotNull(await Jobs.FindJobAsync(second, CancellationToken.None)); // the video's current content: kept
    }
}

/// <summary>A vector store that cannot be reached: jobs wait and retry instead of failing.</summary>
public sealed class UnreachableStoreFixture(InfrastructureFixture infrastructure) : RetrievalServiceFixture(infrastructure)
{
    protected override IReadOnlyDictionary<string, string?> Configuration => new Dictionary<string, string?>
    {
        ["Retrieval:Ingestion:Enabled"] = "false",
        ["Retrieval:Reporting:Enabled"] = "false",
        ["ConnectionStrings:qdrant_http"] = $"Endpoint=http://127.0.0.1:{CreatorChat.Testing.FreePort.Next()}",
        ["Resilience:Http:Clients:qdrant:Retry:MaxRetryAttempts"] = "0",

        // The test looks at the job while it backs off: the suite's 100 ms backoff ran out before it looked on a busy machine.
        ["Retrieval:Ingestion:RetryBaseDelay"] = "00:01:00",
    };
}

[Collection(RetrievalCollection.Name)]
public sealed class TransientFailureTests(UnreachableStoreFixture service) : IClassFixture<UnreachableStoreFixture>
{
    [Fact]
    public async Task A_job_that_meets_an_unreachable_vector_store_is_retried_later_not_failed()
    {
        var repository = service.Service<IngestionJobRepository>();
        var job = await repository.EnqueueAsync(new NewIngestion("some-creator", "v1", "Title", null, null, "srt", Transcripts.Srt(Transcripts.Bread), null), CancellationToken.None);
        var claimed = await repository.ClaimNextAsync("replica", TimeSpan.FromMinutes(1), CancellationToken.None);

        await service.Service<IngestionWorker>().RunAsync(claimed!, CancellationToken.None);

        var after = (await repository.FindJobAsync(job.Id, CancellationToken.None))!;
        Assert.Equal(JobStatus.Queued, after.Status);
        Assert.StartsWith("The vector store failed", after.Error, StringComparison.Ordinal);
        Assert.Equal(1, after.Attempts);
        Assert.Null(await repository.ClaimNextAsync("replica", TimeSpan.FromMinutes(1), CancellationToken.None)); // backing off
        Assert.Equal(VideoStatus.Queued, (await service.Service<VideoRepository>().FindVideoAsync("some-creator", "v1", CancellationToken.None))!.Status);

        using var health = await service.Client(null).GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        using var search = await service.Client(service.Tokens.Service("chat")).PostJsonAsync("/internal/v1/search", new { creator_id = "some-creator", query = "bread", k = 3 });
        Assert.Equal(HttpStatusCode.OK, search.StatusCode); // nothing is searchable yet, so no store call is needed
    }
}
