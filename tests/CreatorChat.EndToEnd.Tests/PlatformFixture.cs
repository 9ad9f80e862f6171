using CreatorChat.Testing;
using Xunit;

namespace CreatorChat.EndToEnd.Tests;

/// <summary>
/// The whole platform as the AppHost declares it (Aspire.Hosting.Testing, local processes): Postgres, Redis and
/// every service as real processes in the <c>Testing</c> environment, on free ports, with throwaway data.
/// </summary>
public class PlatformFixture : IAsyncLifetime
{
    public const string AllowedOrigin = "https://app.creatorchat.test";

    public AspirePlatform Platform { get; private set; } = null!;

    public TestTokens Tokens { get; private set; } = null!;

    protected virtual IReadOnlySet<string>? Only => null;

    protected virtual IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>();

    /// <summary>Replicas per service; the AppHost's defaults (chat 2, retrieval 2) when not listed.</summary>
    protected virtual IReadOnlyDictionary<string, int> Replicas => new Dictionary<string, int>();

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
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var environment = new Dictionary<string, string>
        {
            ["Cors__AllowedOrigins__0"] = AllowedOrigin,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in Environment)
        {
            environment[key] = value;
        }

        Platform = await AspirePlatform.StartAsync(new AspirePlatformOptions
        {
            Only = Only,
            Replicas = Replicas,
            ExtraEnvironment = environment,
        }, timeout.Token);
        Tokens = new TestTokens(Platform.SigningKey);
    }

    public async Task DisposeAsync()
    {
        if (Platform is not null)
        {
            await Platform.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}
