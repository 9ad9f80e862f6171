extern alias creator;
using System.Net;
using System.Text.Json.Nodes;
using CreatorChat.Retrieval.Infrastructure.Creators;
using CreatorChat.ServiceDefaults.Security;
using CreatorChat.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CreatorChat.Retrieval.Tests.Support;

/// <summary>
/// The retrieval service in-process (real Program, real Postgres and Redis) talking to the real creator
/// service, also in-process: retrieval's "creator" HttpClient goes to the creator service's test server,
/// through the same handlers (service token, resilience) as in production.
/// </summary>
public class RetrievalServiceFixture(InfrastructureFixture infrastructure) : IAsyncLifetime
{
    public TestTokens Tokens { get; } = new(TestTokens.DefaultKey);

    public ServiceFactory<creator::Program> CreatorService { get; private set; } = null!;

    public RetrievalFactory Retrieval { get; private set; } = null!;

    public string RetrievalDatabase { get; private set; } = "";

    public InfrastructureFixture Infrastructure => infrastructure;

    /// <summary>Extra configuration for retrieval (e.g. disabling the worker to drive it by hand).</summary>
    protected virtual IReadOnlyDictionary<string, string?> Configuration => new Dictionary<string, string?>();

    public virtual Task InitializeAsync()
    {
        CreatorService = new ServiceFactory<creator::Program>(new Dictionary<string, string?>
        {
            ["ConnectionStrings:creatordb"] = infrastructure.NewDatabase("creatordb"),
            ["Jwt:SigningKey"] = TestTokens.DefaultKey,
        });
        RetrievalDatabase = infrastructure.NewDatabase("retrieval");
        var configuration = new Dictionary<string, string?>
        {
            ["ConnectionStrings:retrievaldb"] = RetrievalDatabase,
            ["ConnectionStrings:cache"] = infrastructure.RedisConnectionString,
            ["Jwt:SigningKey"] = TestTokens.DefaultKey,
            ["Retrieval:Ingestion:PollInterval"] = "00:00:00.250",
            ["Retrieval:Ingestion:HeartbeatInterval"] = "00:00:00.250",
            ["Retrieval:Ingestion:RetryBaseDelay"] = "00:00:00.100",
            ["Retrieval:Reporting:Interval"] = "00:00:00.500",
        };
        foreach (var (key, value) in Configuration)
        {
            configuration[key] = value;
        }

        _configuration = configuration;
        Retrieval = new RetrievalFactory(configuration, () => CreatorService.Server.CreateHandler());
        return Task.CompletedTask;
    }

    private Dictionary<string, string?> _configuration = [];

    /// <summary>Stops the retrieval service and starts it again on the same database, with <paramref name="changes"/> to its configuration.</summary>
    public async Task RestartAsync(IReadOnlyDictionary<string, string?> changes)
    {
        await Retrieval.DisposeAsync();
        foreach (var (key, value) in changes)
        {
            _configuration[key] = value;
        }

        Retrieval = new RetrievalFactory(new Dictionary<string, string?>(_configuration), () => CreatorService.Server.CreateHandler());
    }

    public virtual async Task DisposeAsync()
    {
        await Retrieval.DisposeAsync();
        await CreatorService.DisposeAsync();
    }

    public HttpClient Client(string? token) => Retrieval.CreateClient().WithBearer(token);

    public HttpClient CreatorClient(string? token) => CreatorService.CreateClient().WithBearer(token);

    public T Service<T>() where T : notnull => Retrieval.Services.GetRequiredService<T>();

    public NpgsqlDataSource Database => Service<NpgsqlDataSource>();

    public string UserToken(Guid user, string role = PlatformRoles.Creator) => Tokens.User(user, role);

    /// <summary>Creates a creator owned by <paramref name="owner"/> through the creator service's public API.</summary>
    public async Task<string> CreateCreatorAsync(Guid owner, string? slug = null)
    {
        slug ??= "c-" + Guid.NewGuid().ToString("N")[..12];
        using var response = await CreatorClient(UserToken(owner)).PostJsonAsync("/api/v1/creators", new { slug, name = "Creator " + slug });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return slug;
    }

    public static async Task<Guid> PostVideoAsync(HttpClient client, string slug, string videoId, string title, string transcript, string format = "srt", string? url = null)
    {
        using var response = await client.PostJsonAsync($"/api/v1/creators/{slug}/videos", new { video_id = videoId, title, url, format, transcript });
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var body = await response.ReadJsonAsync();
        Assert.Equal(videoId, body["video_id"]!.GetValue<string>());
        return Guid.Parse(body["job_id"]!.GetValue<string>());
    }

    public static async Task<JsonNode> WaitForJobAsync(HttpClient client, Guid jobId, TimeSpan? timeout = null) =>
        await Eventually.WaitAsync(
            async () => await (await client.GetAsync(new Uri($"/api/v1/jobs/{jobId}", UriKind.Relative))).ReadJsonAsync(),
            job => job["status"]?.GetValue<string>() is "succeeded" or "failed",
            timeout ?? TimeSpan.FromSeconds(30), $"job {jobId} to finish");

    public static async Task<JsonArray> SearchAsync(HttpClient client, string slug, string q, int k = 5)
    {
        using var response = await client.GetAsync(new Uri($"/api/v1/creators/{slug}/search?q={Uri.EscapeDataString(q)}&k={k}", UriKind.Relative));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.ReadJsonAsync()).AsArray();
    }

    /// <summary>
    /// Whether a search returns a passage containing <paramref name="text"/>: search always returns the k best of what is
    /// searchable, so "not searchable" means "not among the results", not "no results".
    /// </summary>
    public static async Task<bool> FindsAsync(HttpClient client, string slug, string q, string text) =>
        (await SearchAsync(client, slug, q)).Any(r => r!["text"]!.GetValue<string>().Contains(text, StringComparison.OrdinalIgnoreCase));

    public async Task<long> StoredChunksAsync(string slug) =>
        await (await Service<CreatorChat.Retrieval.Infrastructure.VectorStores.VectorSpaceCatalog>().GetAsync(CancellationToken.None)).Active.Store.CountAsync(slug, CancellationToken.None);
}

public sealed class RetrievalFactory(IReadOnlyDictionary<string, string?> configuration, Func<HttpMessageHandler> creatorHandler)
    : ServiceFactory<Program>(configuration)
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
            services.AddHttpClient(CreatorDirectory.ClientName).ConfigurePrimaryHttpMessageHandler(creatorHandler));
    }
}
