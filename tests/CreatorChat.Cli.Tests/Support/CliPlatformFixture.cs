using CreatorChat.Testing;
using Xunit;

namespace CreatorChat.Cli.Tests.Support;

/// <summary>
/// The whole platform as real processes, started as the end-to-end tests start it, exposing the same
/// members (<see cref="Platform"/>.GatewayUrl/AdminEmail/AdminPassword, <see cref="Gateway"/>,
/// <see cref="AdminTokenAsync"/>) so it can follow that fixture when it changes. Account limits are
/// loosened (many logins from one address) and failed logins lock after two, to see a 429.
/// </summary>
public sealed class CliPlatformFixture : IAsyncLifetime
{
    public const int FailedLoginsPerAccount = 2;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "creatorchat-cli-e2e", Guid.NewGuid().ToString("N")[..12]);

    public AspirePlatform Platform { get; private set; } = null!;

    public HttpClient Gateway(string? token = null) =>
        new HttpClient { BaseAddress = Platform.GatewayUrl, Timeout = TimeSpan.FromSeconds(60) }.WithBearer(token);

    public async Task<string> AdminTokenAsync()
    {
        using var login = await Gateway().PostJsonAsync("/api/v1/auth/login", new { email = Platform.AdminEmail, password = Platform.AdminPassword });
        login.EnsureSuccessStatusCode();
        return (await login.ReadJsonAsync())["access_token"]!.GetValue<string>();
    }

    /// <summary>A CLI with its own (empty) config folder, pointed at this platform.</summary>
    public CliRunner Cli(IReadOnlyDictionary<string, string?>? variables = null)
    {
        var all = new Dictionary<string, string?>(variables ?? new Dictionary<string, string?>()) { ["CREATORCHAT_URL"] = Platform.GatewayUrl.ToString() };
        return new CliRunner(Path.Combine(_folder, "config", Guid.NewGuid().ToString("N")[..8]), all);
    }

    public string TemporaryFolder(string name)
    {
        var path = Path.Combine(_folder, name);
        Directory.CreateDirectory(path);
        return path;
    }

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        Platform = await AspirePlatform.StartAsync(new AspirePlatformOptions
        {
            ExtraEnvironment = new Dictionary<string, string>
            {
                ["Logging__LogLevel__Default"] = "Warning",
                ["RateLimits__LoginPerIpPerMinute"] = "1000",
                ["RateLimits__RegistrationsPerIpPerHour"] = "1000",
                ["RateLimits__ApiRequestsPerMinute"] = "5000",
                ["RateLimits__FailedLoginsPerAccount"] = FailedLoginsPerAccount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        }, timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (Platform is not null)
        {
            await Platform.DisposeAsync();
        }

        CreatorChat.Testing.TemporaryFolder.DeleteQuietly(_folder);
    }
}

[CollectionDefinition(Name)]
public sealed class CliPlatformCollection : ICollectionFixture<CliPlatformFixture>
{
    public const string Name = "cli-platform";
}
