using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CreatorChat.ServiceDefaults.Model;
using CreatorChat.Testing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Xunit;

namespace CreatorChat.Chat.Tests.Support;

[CollectionDefinition(Name)]
public sealed class InfrastructureCollection : ICollectionFixture<InfrastructureFixture>
{
    public const string Name = "infrastructure";
}

/// <summary>
/// The chat service in-process (its real Program) over a fresh database on the real Postgres, the
/// real Redis, and <see cref="FakeUpstreams"/> as its creator and retrieval services.
/// </summary>
public class ChatServiceFixture(InfrastructureFixture infrastructure) : IAsyncLifetime
{
    private ServiceFactory<Program>? _factory;

    public FakeUpstreams Upstreams { get; private set; } = null!;

    public ServiceFactory<Program> Factory => _factory ?? throw new InvalidOperationException("Not initialised.");

    public TestTokens Tokens { get; } = new(TestTokens.DefaultKey);

    public InfrastructureFixture Infrastructure => infrastructure;

    /// <summary>Redis for this service (the shared one unless a test class brings its own).</summary>
    protected virtual string RedisConnectionString => infrastructure.RedisConnectionString;

    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public virtual async Task InitializeAsync()
    {
        Upstreams = await FakeUpstreams.StartAsync();
        var configuration = new Dictionary<string, string?>
        {
            ["ConnectionStrings:chatdb"] = infrastructure.NewDatabase("chatdb"),
            ["ConnectionStrings:cache"] = RedisConnectionString,
            ["Jwt:SigningKey"] = TestTokens.DefaultKey,
            ["services:creator:http:0"] = Upstreams.Url.ToString().TrimEnd('/'),
            ["services:retrieval:http:0"] = Upstreams.Url.ToString().TrimEnd('/'),
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in Settings)
        {
            configuration[key] = value;
        }

        _factory = new ServiceFactory<Program>(configuration);
        _ = _factory.Server; // start now: migrations run before the first test
    }

    public virtual async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await Upstreams.DisposeAsync();
    }

    public HttpClient Client(string? token) => Factory.CreateClient().WithBearer(token);

    public HttpClient Fan(Guid userId) => Client(Tokens.User(userId));

    public T Service<T>() where T : notnull => Factory.Services.GetRequiredService<T>();

    /// <summary>Announces a knowledge change the way retrieval does.</summary>
    public async Task PublishKnowledgeChangedAsync(string slug)
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync(RedisConnectionString);
        await redis.GetSubscriber().PublishAsync(KnowledgeChanged.Channel, slug);
    }

    public static async Task<JsonObject> AskAsync(HttpClient client, string question, Guid? conversationId = null, string creator = SampleKnowledge.Slug)
    {
        using var response = await client.PostJsonAsync("/api/v1/chat", new { creator_id = creator, message = question, conversation_id = conversationId });
        var body = await response.ReadJsonAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body.ToJsonString()}");
        return body.AsObject();
    }

    public static async Task<JsonArray> MessagesAsync(HttpClient client, Guid conversationId)
    {
        var messages = await client.GetFromJsonAsync<JsonArray>(new Uri($"/api/v1/conversations/{conversationId}/messages", UriKind.Relative));
        return messages!;
    }

    /// <summary>Sends a chat request that asks for server-sent events and reads them all.</summary>
    public static async Task<List<(string Event, JsonNode? Data)>> AskStreamingAsync(HttpClient client, object body, string path = "/api/v1/chat")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: Microsoft.Extensions.Hosting.ApiJson.Options) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = new List<(string, JsonNode?)>();
        await foreach (var item in ServerSentEvents.ReadAsync(await response.Content.ReadAsStreamAsync()))
        {
            events.Add((item.Event, item.Data == "[DONE]" ? null : JsonNode.Parse(item.Data)));
        }

        return events;
    }
}

/// <summary>A chat service whose offline model types slowly, so tests can stop it mid-answer.</summary>
public sealed class SlowModelChatFixture(InfrastructureFixture infrastructure) : ChatServiceFixture(infrastructure)
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Chat:OfflineModel:TokenDelay"] = "00:00:00.030",
    };
}

/// <summary>A chat service with its own Redis, which tests may stop.</summary>
public sealed class OwnRedisChatFixture(InfrastructureFixture infrastructure) : ChatServiceFixture(infrastructure)
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "creatorchat-tests", "redis-" + Guid.NewGuid().ToString("N")[..8]);
    private LocalRedis? _redis;
    private string _connectionString = "";

    protected override string RedisConnectionString => _connectionString;

    public override async Task InitializeAsync()
    {
        _redis = await LocalRedis.StartAsync(_folder, FreePort.Next(), persistent: false, CancellationToken.None);
        _connectionString = _redis.ConnectionString;
        await base.InitializeAsync();
    }

    public async Task StopRedisAsync()
    {
        var redis = Interlocked.Exchange(ref _redis, null);
        if (redis is not null)
        {
            await redis.DisposeAsync();
        }
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await StopRedisAsync();
        TemporaryFolder.DeleteQuietly(_folder);
    }
}

/// <summary>Short resilience budgets, so outages and recoveries happen within a test.</summary>
public sealed class FragileRetrievalChatFixture(InfrastructureFixture infrastructure) : ChatServiceFixture(infrastructure)
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Resilience:Http:Clients:retrieval:AttemptTimeout:Timeout"] = "00:00:00.500",
        ["Resilience:Http:Clients:retrieval:TotalRequestTimeout:Timeout"] = "00:00:01",
        ["Resilience:Http:Clients:retrieval:CircuitBreaker:MinimumThroughput"] = "4",
        ["Resilience:Http:Clients:retrieval:CircuitBreaker:FailureRatio"] = "0.5",
        ["Resilience:Http:Clients:retrieval:CircuitBreaker:BreakDuration"] = "00:00:01",
        ["Chat:KnowledgeVersionCacheDuration"] = "00:00:00",
    };
}

/// <summary>
/// Two retrieval replicas, as service discovery lists them (<c>services:retrieval:http:0</c> and <c>:1</c>):
/// <see cref="ChatServiceFixture.Upstreams"/> and <see cref="SecondRetrieval"/>, which tests may crash or stop.
/// </summary>
public sealed class TwoRetrievalReplicasChatFixture(InfrastructureFixture infrastructure) : ChatServiceFixture(infrastructure)
{
    public FakeUpstreams SecondRetrieval { get; private set; } = null!;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["services:retrieval:http:1"] = SecondRetrieval.Url.ToString().TrimEnd('/'),
    };

    public override async Task InitializeAsync()
    {
        SecondRetrieval = await FakeUpstreams.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await SecondRetrieval.DisposeAsync();
    }
}
