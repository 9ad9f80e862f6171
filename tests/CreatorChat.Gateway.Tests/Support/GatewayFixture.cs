using System.Text.Json.Nodes;
using CreatorChat.Testing;
using Xunit;

namespace CreatorChat.Gateway.Tests.Support;

/// <summary>The real gateway (its Program, identitydb on real Postgres, real Redis) in front of an echo service.</summary>
public class GatewayFixture : IAsyncLifetime
{
    public const string AdminEmail = "root@creatorchat.test";
    public const string AdminPassword = "Admin-password-42";

    private readonly Dictionary<string, string?> _overrides;
    private InfrastructureFixture? _infrastructure;
    private readonly List<ServiceFactory<Program>> _replicas = [];
    private readonly string _keyPrefix = $"test-{Guid.NewGuid():N}:";
    private string _identityDb = "";

    /// <summary>A gateway over the process-wide test Postgres/Redis (for class fixtures).</summary>
    public GatewayFixture()
        : this(null, null)
    {
    }

    protected internal GatewayFixture(InfrastructureFixture? infrastructure, Dictionary<string, string?>? overrides = null)
    {
        _infrastructure = infrastructure;
        _overrides = overrides ?? [];
    }

    public EchoService Downstream { get; private set; } = null!;

    public ServiceFactory<Program> Factory => _replicas[0];

    public TestTokens Tokens { get; } = new(TestTokens.DefaultKey);

    /// <summary>The connection string of this gateway's identitydb.</summary>
    public string IdentityDatabase => _identityDb;

    public async Task InitializeAsync()
    {
        _infrastructure ??= await InfrastructureFixture.SharedAsync();
        Downstream = await EchoService.StartAsync();
        _identityDb = _infrastructure.NewDatabase("identitydb");
        _replicas.Add(NewReplica());
    }

    /// <summary>Another gateway replica over the same identitydb and Redis.</summary>
    public ServiceFactory<Program> NewReplica()
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:identitydb"] = _identityDb,
            ["ConnectionStrings:cache"] = _infrastructure!.RedisConnectionString,
            ["Jwt:SigningKey"] = TestTokens.DefaultKey,
            ["Admin:Email"] = AdminEmail,
            ["Admin:Password"] = AdminPassword,
            ["services:chat:http:0"] = Downstream.Url.ToString(),
            ["services:creator:http:0"] = Downstream.Url.ToString(),
            ["services:retrieval:http:0"] = "http://127.0.0.1:9",
            ["Resilience:Http:Retry:MaxRetryAttempts"] = "0",
            ["Cors:AllowedOrigins:0"] = "https://app.example",
            ["RateLimits:KeyPrefix"] = _keyPrefix,
            // Every test client comes from 127.0.0.1; per-address limits get their own strict fixtures.
            ["RateLimits:RegistrationsPerIpPerHour"] = "100000",
            ["RateLimits:LoginPerIpPerMinute"] = "100000",
        };
        foreach (var (key, value) in _overrides)
        {
            settings[key] = value;
        }

        var factory = new ServiceFactory<Program>(settings);
        if (_replicas.Count > 0)
        {
            _replicas.Add(factory);
        }

        return factory;
    }

    public HttpClient Client(string? token = null) => Factory.CreateClient().WithBearer(token);

    /// <summary>Registers a user and returns its id, access token and refresh token.</summary>
    public async Task<(Guid Id, string Access, string Refresh)> SignUpAsync(string? email = null, string password = "Fan-password-7")
    {
        email ??= $"fan-{Guid.NewGuid():N}@example.com";
        var client = Client();
        using var registered = await client.PostJsonAsync("/api/v1/auth/register", new { email, password, name = "A Fan" });
        registered.EnsureSuccessStatusCode();
        var id = (await registered.ReadJsonAsync())["id"]!.GetValue<Guid>();
        var tokens = await LoginAsync(email, password);
        return (id, tokens["access_token"]!.GetValue<string>(), tokens["refresh_token"]!.GetValue<string>());
    }

    public async Task<JsonNode> LoginAsync(string email, string password)
    {
        using var response = await Client().PostJsonAsync("/api/v1/auth/login", new { email, password });
        response.EnsureSuccessStatusCode();
        return await response.ReadJsonAsync();
    }

    public async Task<string> AdminTokenAsync() => (await LoginAsync(AdminEmail, AdminPassword))["access_token"]!.GetValue<string>();

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }

        await Downstream.DisposeAsync();
    }
}
