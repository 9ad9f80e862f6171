using CreatorChat.DevHost.Infrastructure;
using CreatorChat.Testing;
using Xunit;

namespace CreatorChat.EndToEnd.Tests;

/// <summary>
/// The whole platform as real processes — Postgres, Redis and every service, wired by the same code
/// as the local run — in the <c>Testing</c> environment, on free ports, with throwaway data.
/// </summary>
public class PlatformFixture : IAsyncLifetime
{
    public const string AllowedOrigin = "https://app.creatorchat.test";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "creatorchat-e2e", Guid.NewGuid().ToString("N")[..12]);

    public LocalPlatform Platform { get; private set; } = null!;

    public TestTokens Tokens { get; private set; } = null!;

    protected virtual IReadOnlySet<string>? Only => null;

    protected virtual IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>();

    public HttpClient Gateway(string? token = null) =>
        new HttpClient { BaseAddress = Platform.GatewayUrl, Timeout = TimeSpan.FromSeconds(60) }.WithBearer(token);

    /// <summary>Signs in as the administrator the gateway bootstrapped, through the public API.</summary>
    public async Task<string> AdminTokenAsync()
    {
        using var login = await Gateway().PostJsonAsync("/api/v1/auth/login", new { email = Platform.AdminEmail, password = Platform.AdminPassword });
        login.EnsureSuccessStatusCode();
        return (await login.ReadJsonAsync())["access_token"]!.GetValue<string>();
    }

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var environment = new Dictionary<string, string>
        {
            ["Cors__AllowedOrigins__0"] = AllowedOrigin,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in Environment)
        {
            environment[key] = value;
        }

        Platform = await LocalPlatform.StartAsync(new PlatformOptions
        {
            RepositoryRoot = BuildInfo.FindRepositoryRoot(),
            DataFolder = _folder,
            Persistent = false,
            FixedPorts = false,
            Environment = "Testing",
            Only = Only,
            ExtraEnvironment = environment,
            ExistingPostgres = System.Environment.GetEnvironmentVariable("CREATORCHAT_TEST_POSTGRES"),
            ExistingRedis = System.Environment.GetEnvironmentVariable("CREATORCHAT_TEST_REDIS"),
        }, timeout.Token);
        Tokens = new TestTokens(Platform.SigningKey);
    }

    public async Task DisposeAsync()
    {
        await Platform.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}
