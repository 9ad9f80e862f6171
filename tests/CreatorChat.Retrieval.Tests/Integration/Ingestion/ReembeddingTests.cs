using System.Diagnostics.Metrics;
using System.Net;
using CreatorChat.Retrieval.Infrastructure;
using CreatorChat.Retrieval.Infrastructure.Data;
using CreatorChat.Retrieval.Infrastructure.Embeddings;
using CreatorChat.Retrieval.Infrastructure.Ingestion;
using CreatorChat.Retrieval.Infrastructure.VectorStores;
using CreatorChat.Retrieval.Model;
using CreatorChat.Retrieval.Model.Search;
using CreatorChat.Retrieval.Tests.Support;
using CreatorChat.Testing;

namespace CreatorChat.Retrieval.Tests.Integration.Ingestion;

/// <summary>
/// Model A (the hashed lexical embedder, 512 dimensions) first; the workers are driven by hand so the test can play
/// replicas that crash. Each test restarts the service with model B on the same database.
/// </summary>
public sealed class ModelChangeFixture(InfrastructureFixture infrastructure) : RetrievalServiceFixture(infrastructure)
{
    protected override IReadOnlyDictionary<string, string?> Configuration => new Dictionary<string, string?>
    {
        ["Retrieval:Embeddings:Model"] = "lexical",
        ["Retrieval:Ingestion:Enabled"] = "false",
        ["Retrieval:Reembedding:Enabled"] = "false",
        ["Retrieval:Reembedding:LeaseDuration"] = "00:00:01",
        ["Retrieval:Reembedding:BatchVideos"] = "2",
        ["Retrieval:Reembedding:RetireDelay"] = "00:00:02",
        ["Retrieval:Reporting:Enabled"] = "false",
    };
}

[Collection(RetrievalCollection.Name)]
public sealed class ReembeddingTests(ModelChangeFixture service) : IClassFixture<ModelChangeFixture>
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(1);
    private static readonly EmbeddingSpace ModelA = new($"{HashingEmbeddingGenerator.ModelPrefix}-512", 512);
    private static readonly EmbeddingSpace ModelB = new(SentenceModel.MiniLM.ModelId, SentenceModel.Dimensions);

    private static readonly string[] Kimchi =
    [
        "Kimchi starts with napa cabbage salted overnight.",
        "Rinse it, then rub in a paste of gochugaru, garlic, ginger and fish sauce.",
        "Pack the jar tightly and leave it a week somewhere cool.",
    ];

    private readonly Guid _owner = Guid.NewGuid();

    private HttpClient Owner => service.Client(service.UserToken(_owner));

    private IngestionJobRepository Jobs => service.Service<IngestionJobRepository>();
    private VideoRepository Videos => service.Service<VideoRepository>();
    private KnowledgeRepository Knowledge => service.Service<KnowledgeRepository>();

    private Task<VectorSpaceState> SpacesAsync() => service.Service<VectorSpaceCatalog>().RefreshAsync(CancellationToken.None);

    // Plays a live replica's ingestion worker until no job is due.
    private async Task DrainJobsAsync()
    {
        while (await Jobs.ClaimNextAsync("live-replica", Long, CancellationToken.None) is { } claimed)
        {
            await service.Service<IngestionWorker>().RunAsync(claimed, CancellationToken.None);
        }
    }

    private async Task<string> HealthAsync()
    {
        using var response = await service.Client(null).GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task A_new_model_re_embeds_stored_passages_while_search_answers_from_the_old_vectors_and_a_crash_mid_job_resumes()
    {
        // Model A: five videos ingested, and one more job that has written its chunks (A only) but not activated yet.
        await service.RestartAsync(new Dictionary<string, string?> { ["Retrieval:Embeddings:Model"] = "lexical" });
        var slug = await service.CreateCreatorAsync(_owner);
        string[][] transcripts = [Transcripts.Bread, Transcripts.Searing, Transcripts.Fermentation, Transcripts.Bread, Transcripts.Searing];
        for (var i = 0; i < transcripts.Length; i++)
        {
            await RetrievalServiceFixture.PostVideoAsync(Owner, slug, $"v{i}", $"Video {i}", Transcripts.Srt(transcripts[i]));
        }

        await DrainJobsAsync();
        var late = await RetrievalServiceFixture.PostVideoAsync(Owner, slug, "late", "Kimchi", Transcripts.Srt(Kimchi));
        var lateJob = (await Jobs.ClaimNextAsync("slow-replica", Long, CancellationToken.None))!;
        var lateOutput = await service.Service<IngestionProcessor>().ProcessAsync(lateJob.Job, lateJob.Transcript, _ => { }, CancellationToken.None);
        var before = await SpacesAsync();
        Assert.Equal(ModelA, before.Active.Space);
        Assert.Null(before.Building);
        Assert.Equal("Healthy", await HealthAsync());

        // Restart with model B: a new space is being built; search still answers, from A's vectors.
        await service.RestartAsync(new Dictionary<string, string?> { ["Retrieval:Embeddings:Model"] = "minilm" });
        var during = await SpacesAsync();
        Assert.Equal(ModelA, during.Active.Space);
        Assert.Equal(before.Active.Collection, during.Active.Collection);
        Assert.Equal(ModelB, during.Building!.Space);
        Assert.NotNull(during.Active.Embedder); // A's model still runs here, for queries
        Assert.Equal("Degraded", await HealthAsync()); // ready, and saying a re-embedding runs
        using var searching = new CancellationTokenSource();
        var searches = SearchContinuouslyAsync(slug, searching.Token);
        Assert.Contains("steak", (await RetrievalServiceFixture.SearchAsync(Owner, slug, "cast iron steak"))[0]!["text"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);

        // An upload during the re-embedding is written into both spaces and searchable at once.
        await RetrievalServiceFixture.PostVideoAsync(Owner, slug, "during", "Bread during", Transcripts.Srt(Transcripts.Bread));
        await DrainJobsAsync();
        Assert.Contains((await RetrievalServiceFixture.SearchAsync(Owner, slug, "dutch oven crust", k: 10)), r => r!["video_id"]!.GetValue<string>() == "during");

        // A replica takes the job, copies two videos and dies holding the lease; nobody else can take it until the lease runs out.
        var copies = new List<long>();
        using var listener = Count("creatorchat.retrieval.reembedding.videos", copies);
        var worker = service.Service<ReembeddingWorker>();
        Assert.Equal(SwitchOutcome.Incomplete, await worker.RunOnceAsync("dying-replica", CancellationToken.None, maxVideos: 2));
        Assert.Null(await worker.RunOnceAsync("live-replica", CancellationToken.None));
        var halfway = await service.Service<EmbeddingSpaceRepository>().ProgressAsync(during.Building.Id, CancellationToken.None);
        Assert.Equal(new ReembeddingProgress(3, 6), halfway); // the two copies and the upload that wrote both spaces
        Assert.Equal(ModelA, (await SpacesAsync()).Active.Space);

        // The lease expires: another replica resumes where it stopped, copies only the rest and switches.
        await Task.Delay(1200);
        Assert.Equal(SwitchOutcome.Switched, await worker.RunOnceAsync("live-replica", CancellationToken.None));
        Assert.Equal(6, copies.Sum() + 1); // every video copied exactly once (the upload wrote both spaces itself)

        var after = await SpacesAsync();
        Assert.Equal(ModelB, after.Active.Space);
        Assert.Equal(during.Building.Collection, after.Active.Collection);
        Assert.Null(after.Building);
        Assert.Equal("Healthy", await HealthAsync());
        searching.Cancel();
        var answered = await searches;
        Assert.True(answered > 0, "searches ran during the re-embedding");

        // The vectors are B's: a passage embedded with model B finds itself with similarity 1.
        var stored = await after.Active.Store.ReadAsync(slug, "v1", (await Videos.FindVideoAsync(slug, "v1", CancellationToken.None))!.ActiveGeneration!.Value, CancellationToken.None);
        Assert.NotEmpty(stored);
        var modelB = new Embedder(EmbeddingModels.Offline(ModelB)!);
        var probe = (await modelB.EmbedAsync([IngestionProcessor.EmbeddingText(stored[0].Payload.Title, stored[0].Payload.Text)], CancellationToken.None))[0];
        var self = await after.Active.Store.SearchAsync(new VectorQuery(slug, probe, 1, -1f, null), CancellationToken.None);
        Assert.Equal(stored[0].Payload.Text, self[0].Payload.Text);
        Assert.Equal(1f, self[0].Score, 3);
        Assert.Equal(await after.Active.Store.CountAsync(slug, CancellationToken.None),
            (await Videos.ListVideosAsync(slug, CancellationToken.None)).Where(v => v.ActiveGeneration is not null).Sum(v => v.ChunkCount));

        // A's collection is dropped once the grace period for searches still using it is over; search answers from B with B's model.
        Assert.NotNull(await service.Service<VectorStoreFactory>().Create(before.Active.Collection).FindCollectionAsync(CancellationToken.None));
        await Task.Delay(2100);
        Assert.Null(await worker.RunOnceAsync("live-replica", CancellationToken.None));
        Assert.Null(await service.Service<VectorStoreFactory>().Create(before.Active.Collection).FindCollectionAsync(CancellationToken.None));
        Assert.Contains("brine", (await RetrievalServiceFixture.SearchAsync(Owner, slug, "how salty should the brine be"))[0]!["text"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);

        // The job that wrote only A's collection before the switch cannot activate into B; it runs again and then does.
        Assert.Equal(ActivationOutcome.NotWritten,
            (await Jobs.ActivateAsync(late, "slow-replica", lateOutput.CueCount, lateOutput.ChunkCount, CancellationToken.None)).Outcome);
        await service.Service<IngestionWorker>().RunAsync(lateJob, CancellationToken.None);
        Assert.Equal(JobStatus.Succeeded, (await Jobs.FindJobAsync(late, CancellationToken.None))!.Status);
        Assert.Equal("late", (await RetrievalServiceFixture.SearchAsync(Owner, slug, "napa cabbage and gochugaru"))[0]!["video_id"]!.GetValue<string>());
    }

    private async Task<int> SearchContinuouslyAsync(string slug, CancellationToken stop)
    {
        var answered = 0;
        while (!stop.IsCancellationRequested)
        {
            var results = await RetrievalServiceFixture.SearchAsync(Owner, slug, "how long does the dough ferment");
            Assert.NotEmpty(results);
            answered++;
            await Task.Delay(20, CancellationToken.None);
        }

        return answered;
    }

    private static MeterListener Count(string instrument, List<long> into)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (i, l) =>
            {
                if (i.Meter.Name == RetrievalTelemetry.Name && i.Name == instrument)
                {
                    l.EnableMeasurementEvents(i);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) =>
        {
            lock (into)
            {
                into.Add(value);
            }
        });
        listener.Start();
        return listener;
    }
}

/// <summary>Its own class, so its own database: it starts from model A.</summary>
[Collection(RetrievalCollection.Name)]
public sealed class ModelRollbackTests(ModelChangeFixture service) : IClassFixture<ModelChangeFixture>
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(1);
    private readonly Guid _owner = Guid.NewGuid();

    private HttpClient Owner => service.Client(service.UserToken(_owner));

    private Task<VectorSpaceState> SpacesAsync() => service.Service<VectorSpaceCatalog>().RefreshAsync(CancellationToken.None);

    private async Task DrainJobsAsync()
    {
        var repository = service.Service<IngestionJobRepository>();
        while (await repository.ClaimNextAsync("live-replica", Long, CancellationToken.None) is { } claimed)
        {
            await service.Service<IngestionWorker>().RunAsync(claimed, CancellationToken.None);
        }
    }

    [Fact]
    public async Task Going_back_to_the_old_model_before_the_re_embedding_finished_abandons_it()
    {
        await service.RestartAsync(new Dictionary<string, string?> { ["Retrieval:Embeddings:Model"] = "lexical" });
        var slug = await service.CreateCreatorAsync(_owner);
        await RetrievalServiceFixture.PostVideoAsync(Owner, slug, "v", "Video", Transcripts.Srt(Transcripts.Bread));
        await DrainJobsAsync();
        var active = (await SpacesAsync()).Active;

        await service.RestartAsync(new Dictionary<string, string?> { ["Retrieval:Embeddings:Model"] = "minilm" });
        var building = (await SpacesAsync()).Building!;
        await service.RestartAsync(new Dictionary<string, string?> { ["Retrieval:Embeddings:Model"] = "lexical" });
        var state = await SpacesAsync();
        await Task.Delay(2100);
        Assert.Null(await service.Service<ReembeddingWorker>().RunOnceAsync("live-replica", CancellationToken.None)); // drops the abandoned one

        Assert.Equal(active.Id, state.Active.Id);
        Assert.Null(state.Building);
        Assert.Null(await service.Service<VectorStoreFactory>().Create(building.Collection).FindCollectionAsync(CancellationToken.None));
        Assert.NotEmpty(await RetrievalServiceFixture.SearchAsync(Owner, slug, "dutch oven"));
        using var health = await service.Client(null).GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
    }

}

/// <summary>From the offline model to an OpenAI-compatible one (a loopback server speaking the embeddings API), in its own database.</summary>
[Collection(RetrievalCollection.Name)]
public sealed class RemoteModelChangeTests(ModelChangeFixture service) : IClassFixture<ModelChangeFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(1);
    private readonly Guid _owner = Guid.NewGuid();
    private RecordingServer _provider = null!;

    public async Task InitializeAsync() => _provider = await RecordingServer.StartAsync(request => Task.FromResult(EmbeddingsApi.Answer(request)));

    public async Task DisposeAsync() => await _provider.DisposeAsync();

    private HttpClient Owner => service.Client(service.UserToken(_owner));

    [Fact]
    public async Task Stored_passages_move_from_the_offline_model_to_an_OpenAI_compatible_one()
    {
        await service.RestartAsync(new Dictionary<string, string?> { ["Retrieval:Embeddings:Model"] = "lexical" });
        var slug = await service.CreateCreatorAsync(_owner);
        await RetrievalServiceFixture.PostVideoAsync(Owner, slug, "bread", "Bread", Transcripts.Srt(Transcripts.Bread));
        await RetrievalServiceFixture.PostVideoAsync(Owner, slug, "steak", "Steak", Transcripts.Srt(Transcripts.Searing));
        var repository = service.Service<IngestionJobRepository>();
        while (await repository.ClaimNextAsync("live-replica", Long, CancellationToken.None) is { } claimed)
        {
            await service.Service<IngestionWorker>().RunAsync(claimed, CancellationToken.None);
        }

        await service.RestartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:embeddings"] = $"Endpoint={_provider.Url}v1;Key=sk-test;Model=text-embedding-3-small;Dimensions=96",
        });
        var catalog = service.Service<VectorSpaceCatalog>();
        var during = await catalog.RefreshAsync(CancellationToken.None);
        Assert.Equal(new EmbeddingSpace("text-embedding-3-small", 96), during.Building!.Space);
        Assert.Equal("steak", (await RetrievalServiceFixture.SearchAsync(Owner, slug, "cast iron steak"))[0]!["video_id"]!.GetValue<string>());
        Assert.Empty(_provider.Requests); // searches still embed with the offline model

        Assert.Equal(SwitchOutcome.Switched, await service.Service<ReembeddingWorker>().RunOnceAsync("live-replica", CancellationToken.None));

        var after = await catalog.RefreshAsync(CancellationToken.None);
        Assert.Equal(new EmbeddingSpace("text-embedding-3-small", 96), after.Active.Space);
        var sent = _provider.Requests.SelectMany(r => System.Text.Json.Nodes.JsonNode.Parse(r.Body)!["input"]!.AsArray().Select(i => i!.GetValue<string>())).ToList();
        Assert.Contains(sent, text => text.StartsWith("Steak\n\n", StringComparison.Ordinal) && text.Contains("cast iron", StringComparison.Ordinal));
        Assert.All(_provider.Requests, r => Assert.Equal(96, System.Text.Json.Nodes.JsonNode.Parse(r.Body)!["dimensions"]!.GetValue<int>()));
        var requestsBefore = _provider.Requests.Count;
        Assert.Equal("steak", (await RetrievalServiceFixture.SearchAsync(Owner, slug, "cast iron steak"))[0]!["video_id"]!.GetValue<string>());
        Assert.Equal(requestsBefore + 1, _provider.Requests.Count); // the query, now embedded by the provider
    }
}
