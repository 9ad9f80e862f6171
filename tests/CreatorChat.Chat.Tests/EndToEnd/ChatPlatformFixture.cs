using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CreatorChat.Testing;
using Xunit;

namespace CreatorChat.Chat.Tests.EndToEnd;

/// <summary>
/// The whole platform as the AppHost declares it (Postgres, Redis, gateway, creator, retrieval, chat), set up
/// the way people use it: an administrator creates the creator and uploads real caption files of
/// the Hugging Face course (../shared/data), retrieval ingests them, and fans register and sign in.
/// Chat runs two replicas behind the gateway, as in the AppHost. The offline model types a little
/// slowly (10 ms a token) so that answers can be stopped.
/// </summary>
public class ChatPlatformFixture : IAsyncLifetime
{
    public const string AdminEmail = "admin@chat-e2e.test";
    public const string AdminPassword = "Chat-e2e-Admin-2026!";
    public const string Slug = "hf-course";

    /// <summary>Caption files ingested (file prefix → YouTube id, title).</summary>
    public static readonly IReadOnlyList<(string File, string VideoId, string Title)> Videos =
    [
        ("01_the-pipeline-function.srt", "tiZFewofSLM", "The pipeline function"),
        ("03_what-is-transfer-learning.srt", "BqqfQnyjmgg", "What is Transfer Learning?"),
        ("04_the-transformer-architecture.srt", "H39Z_720T5s", "The Transformer architecture"),
        ("05_transformer-models-encoders.srt", "MUqNwgPjJvQ", "Transformer models: Encoders"),
        ("06_transformer-models-decoders.srt", "d_ixlCubqQw", "Transformer models: Decoders"),
    ];

    private int _fans;

    public AspirePlatform Platform { get; private set; } = null!;

    public string AdminToken { get; private set; } = "";

    protected virtual bool IngestVideos => true;

    /// <summary>As in the AppHost: two chat replicas, so nothing may depend on one.</summary>
    protected virtual IReadOnlyDictionary<string, int> Replicas => new Dictionary<string, int> { ["chat"] = 2 };

    public static string CaptionsFolder => BuildInfo.CourseEnglishCaptionsFolder;

    public HttpClient Gateway(string? token = null) =>
        new HttpClient { BaseAddress = Platform.GatewayUrl, Timeout = TimeSpan.FromSeconds(60) }.WithBearer(token);

    public virtual async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        Platform = await AspirePlatform.StartAsync(new AspirePlatformOptions
        {
            AdminEmail = AdminEmail,
            AdminPassword = AdminPassword,
            Replicas = Replicas,
            ExtraEnvironment = new Dictionary<string, string>
            {
                ["Logging__LogLevel__Default"] = "Warning",
                ["RateLimits__RegistrationsPerIpPerHour"] = "1000",
                ["Chat__OfflineModel__TokenDelay"] = "00:00:00.010",
            },
        }, timeout.Token);

        AdminToken = await LoginAsync(AdminEmail, AdminPassword);
        var admin = Gateway(AdminToken);
        using (var created = await admin.PostJsonAsync("/api/v1/creators", new
               {
                   slug = Slug,
                   name = "Hugging Face Course",
                   specialty = "Transformers and NLP",
                   persona = "You are the Hugging Face course team. Explain simply and precisely.",
               }))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        if (IngestVideos)
        {
            await IngestAsync(admin, timeout.Token);
        }
    }

    private async Task IngestAsync(HttpClient admin, CancellationToken cancellationToken)
    {
        foreach (var (file, videoId, title) in Videos)
        {
            var transcript = await File.ReadAllTextAsync(Path.Combine(CaptionsFolder, file), cancellationToken);
            using var posted = await admin.PostJsonAsync($"/api/v1/creators/{Slug}/videos",
                new { video_id = videoId, title, url = $"https://www.youtube.com/watch?v={videoId}", format = "srt", transcript });
            Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        }

        while (true)
        {
            var videos = await admin.GetFromJsonAsync<JsonArray>(new Uri($"/api/v1/creators/{Slug}/videos", UriKind.Relative), cancellationToken);
            Assert.DoesNotContain(videos!, v => v!["status"]!.GetValue<string>() == "failed");
            if (videos!.Count(v => v!["status"]!.GetValue<string>() == "ready") == Videos.Count)
            {
                return;
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Registers a new fan through the public API and signs them in.</summary>
    public async Task<string> NewFanAsync()
    {
        var email = string.Create(CultureInfo.InvariantCulture, $"fan{Interlocked.Increment(ref _fans)}-{Guid.NewGuid():N}@chat-e2e.test");
        const string password = "Fan-password-2026!";
        using (var registered = await Gateway().PostJsonAsync("/api/v1/auth/register", new { email, password, name = "A fan" }))
        {
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        }

        return await LoginAsync(email, password);
    }

    private async Task<string> LoginAsync(string email, string password)
    {
        using var response = await Gateway().PostJsonAsync("/api/v1/auth/login", new { email, password });
        var body = await response.ReadJsonAsync();
        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        return body["access_token"]!.GetValue<string>();
    }

    public virtual async Task DisposeAsync()
    {
        if (Platform is not null)
        {
            await Platform.DisposeAsync();
        }
    }

    public static HttpRequestMessage StreamingRequest(string path, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return request;
    }
}

/// <summary>
/// The platform without any video (for outage tests, which need no knowledge). One replica each, so no DCP proxy
/// stands in front of chat and retrieval: a stopped service refuses connections at once, as in Kubernetes, whereas
/// DCP's proxy holds them open until the caller's timeout.
/// </summary>
public sealed class EmptyChatPlatformFixture : ChatPlatformFixture
{
    protected override bool IngestVideos => false;

    protected override IReadOnlyDictionary<string, int> Replicas => new Dictionary<string, int> { ["chat"] = 1, ["retrieval"] = 1 };
}
