using System.Net.Http.Json;
using CreatorChat.AppHost.Seeding;
using CreatorChat.Testing;
using Microsoft.Playwright;
using Xunit;

namespace CreatorChat.Browser.Tests;

/// <summary>
/// The whole platform as the end-to-end tests start it (real processes, throwaway data, the demo
/// creator seeded through the public API), plus one headless Chromium. Only the members the
/// end-to-end fixture has (<c>Platform.GatewayUrl</c>, <c>AdminEmail</c>, <c>AdminPassword</c>,
/// <c>Gateway(token)</c>, <c>AdminTokenAsync()</c>) are used, so it ports to any platform host.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string DemoCreator = "kitchen-lab";

    /// <summary>Debian's Chromium; set CREATORCHAT_CHROMIUM to use another build.</summary>
    public static readonly string ChromiumPath = Environment.GetEnvironmentVariable("CREATORCHAT_CHROMIUM") ?? "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public AspirePlatform Platform { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public static string ScreenshotFolder { get; } = Path.Combine(BuildInfo.FindRepositoryRoot(), "tests", "CreatorChat.Browser.Tests", "TestResults", "screenshots");

    public HttpClient Gateway(string? token = null) =>
        new HttpClient { BaseAddress = Platform.GatewayUrl, Timeout = TimeSpan.FromSeconds(60) }.WithBearer(token);

    public async Task<string> AdminTokenAsync() => await LoginAsync(Platform.AdminEmail, Platform.AdminPassword);

    public async Task<string> LoginAsync(string email, string password)
    {
        using var login = await Gateway().PostJsonAsync("/api/v1/auth/login", new { email, password });
        login.EnsureSuccessStatusCode();
        return (await login.ReadJsonAsync())["access_token"]!.GetValue<string>();
    }

    /// <summary>A new account through the public API, optionally made a creator by the admin.</summary>
    public async Task<(string Email, string Password, Guid Id)> RegisterAsync(string prefix, string? role = null)
    {
        var email = $"{prefix}-{Guid.NewGuid():N}@example.org";
        const string password = "correct horse 42 battery";
        using var registered = await Gateway().PostJsonAsync("/api/v1/auth/register", new { email, password, name = prefix });
        registered.EnsureSuccessStatusCode();
        var id = Guid.Parse((await registered.ReadJsonAsync())["id"]!.GetValue<string>());
        if (role is not null)
        {
            using var admin = Gateway(await AdminTokenAsync());
            using var patched = await admin.PatchAsJsonAsync($"/api/v1/admin/users/{id}", new { role });
            patched.EnsureSuccessStatusCode();
        }

        return (email, password, id);
    }

    /// <summary>A fresh browser context (no cookies) on a page of the given width.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 860)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Platform.GatewayUrl.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            ColorScheme = ColorScheme.Light,
        });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        Platform = await AspirePlatform.StartAsync(new AspirePlatformOptions
        {
            ExtraEnvironment = new Dictionary<string, string>
            {
                ["Logging__LogLevel__Default"] = "Warning",
                // The offline model answers at once; a little pacing makes the stream (and Stop) observable.
                ["Chat__OfflineModel__TokenDelay"] = "00:00:00.025",
                // Every browser and API call here comes from 127.0.0.1: the per-IP limits are not what these tests test.
                ["RateLimits__LoginPerIpPerMinute"] = "500",
                ["RateLimits__RegistrationsPerIpPerHour"] = "500",
            },
        }, timeout.Token);

        var demoData = Path.Combine(BuildInfo.FindRepositoryRoot(), "CreatorChat.AppHost", "Seeding", "DemoData");
        await new DemoSeeder(Gateway(), demoData, _ => { })
            .SeedAsync(Platform.AdminEmail, Platform.AdminPassword, Platform.AdminPassword + "-maya", timeout.Token);

        _playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true });
        Directory.CreateDirectory(ScreenshotFolder);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Platform is not null)
        {
            await Platform.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
