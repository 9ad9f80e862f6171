using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CreatorChat.Testing;

namespace CreatorChat.Retrieval.Tests.EndToEnd;

/// <summary>
/// Creator, two retrieval replicas and the gateway as the AppHost declares them (AspirePlatform; chat declared
/// but not started), with short ingestion leases so that a killed replica's job is taken over quickly.
/// Users are real accounts made through the gateway (it refuses tokens of users it does not know).
/// </summary>
public sealed class KnowledgePlatformFixture : IAsyncLifetime
{
    public const string CreatorPassword = "Kitchen-Lab-Test-Password-1";

    public AspirePlatform Platform { get; private set; } = null!;

    public string CreatorEmail { get; } = $"e2e-{Guid.NewGuid():N}"[..16] + "@creators.example";

    public string CreatorToken { get; private set; } = "";

    public string DemoDataFolder => Path.Combine(SharedDataRoot.Repository, "CreatorChat.AppHost", "Seeding", "DemoData");

    public HttpClient Gateway(string? token = null)
    {
        var client = new HttpClient { BaseAddress = Platform.GatewayUrl, Timeout = TimeSpan.FromSeconds(60) };
        return client.WithBearer(token);
    }

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        Platform = await AspirePlatform.StartAsync(new AspirePlatformOptions
        {
            Only = new HashSet<string> { "creator", "retrieval", "gateway" },
            Replicas = new Dictionary<string, int> { ["retrieval"] = 2 },
            ExtraEnvironment = new Dictionary<string, string>
            {
                ["Logging__LogLevel__Default"] = "Warning",
                ["Retrieval__Ingestion__LeaseDuration"] = "00:00:03",
                ["Retrieval__Ingestion__HeartbeatInterval"] = "00:00:00.500",
                ["Retrieval__Ingestion__PollInterval"] = "00:00:00.500",
                ["Retrieval__Reporting__Interval"] = "00:00:01",
            },
        }, timeout.Token);

        CreatorToken = await CreatorAccountAsync(CreatorEmail, CreatorPassword);
    }

    /// <summary>Registers an account, has the bootstrapped admin make it a creator, and signs in as it.</summary>
    public async Task<string> CreatorAccountAsync(string email, string password)
    {
        using var gateway = Gateway();
        using (var registered = await gateway.PostJsonAsync("/api/v1/auth/register", new { email, password, name = "E2E Creator" }))
        {
            Assert.True(registered.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, await registered.Content.ReadAsStringAsync());
        }

        var admin = await LoginAsync(Platform.AdminEmail, Platform.AdminPassword);
        using var asAdmin = Gateway(admin);
        var users = await asAdmin.GetFromJsonAsync<JsonObject>(new Uri($"/api/v1/admin/users?q={Uri.EscapeDataString(email)}", UriKind.Relative));
        var id = users!["items"]!.AsArray().Single(u => u!["email"]!.GetValue<string>() == email)!["id"]!.GetValue<string>();
        using var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/admin/users/{id}") { Content = JsonContent.Create(new { role = "creator" }) };
        using (var promoted = await asAdmin.SendAsync(patch))
        {
            Assert.True(promoted.IsSuccessStatusCode, await promoted.Content.ReadAsStringAsync());
        }

        return await LoginAsync(email, password);
    }

    public async Task<string> LoginAsync(string email, string password)
    {
        using var gateway = Gateway();
        using var response = await gateway.PostJsonAsync("/api/v1/auth/login", new { email, password });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync())["access_token"]!.GetValue<string>();
    }

    /// <summary>Starts a replica again (after the test killed it), as an orchestrator would; waits until it is healthy.</summary>
    public Task<PlatformProcess> RestartAsync(PlatformProcess dead) => Platform.RestartAsync(dead);

    public async Task DisposeAsync()
    {
        if (Platform is not null)
        {
            await Platform.DisposeAsync();
        }
    }
}

internal static class SharedDataRoot
{
    public static string Repository => Support.SharedData.RepositoryRoot;
}

[CollectionDefinition(Name)]
public sealed class KnowledgePlatformCollection : ICollectionFixture<KnowledgePlatformFixture>
{
    public const string Name = "retrieval-platform";
}
