using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CreatorChat.DevHost.Infrastructure;
using CreatorChat.DevHost.Seeding;

namespace CreatorChat.Benchmarks.Gateway;

/// <summary>
/// What the gateway costs, and whether its limits are exact.
/// 1. The same request (<c>GET /api/v1/creators/{slug}</c> with a bearer token) sent straight to the
///    creator service, through the gateway anonymously (proxy only), and through the gateway signed
///    in (token check, user status, the per-user Redis limiter, proxy): p50/p99 and requests/s at
///    100 concurrent clients, in one run on one platform.
/// 2. Three gateway replicas, one free-tier user, a burst of chat requests spread over all three:
///    exactly 50 must pass.
/// Loopback only, bounded in time. Command:
/// <c>dotnet run -c Release --project tools/CreatorChat.Benchmarks -- gateway [--seconds 10] [--concurrency 100] [--burst 300]</c>.
/// </summary>
public static class GatewayBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = Option(args, "--seconds", 10);
        var concurrency = Option(args, "--concurrency", 100);
        var burst = Option(args, "--burst", 300);
        var folder = Path.Combine(Path.GetTempPath(), "creatorchat-bench", "gw-" + Guid.NewGuid().ToString("N")[..8]);
        Console.WriteLine($"Starting gateway ×3, creator, chat, retrieval ({BuildInfo.Configuration}) in {folder} …");
        await using var platform = await LocalPlatform.StartAsync(new PlatformOptions
        {
            RepositoryRoot = BuildInfo.FindRepositoryRoot(),
            DataFolder = folder,
            Persistent = false,
            FixedPorts = false,
            Environment = "Production",
            Replicas = new Dictionary<string, int> { ["gateway"] = 3 },
            ExtraEnvironment = new Dictionary<string, string>
            {
                ["Logging__LogLevel__Default"] = "Warning",
                // The limiter still runs on every request; it must not refuse the benchmark's own load.
                ["RateLimits__ApiRequestsPerMinute"] = "100000000",
                ["RateLimits__RegistrationsPerIpPerHour"] = "100000",
                ["RateLimits__LoginPerIpPerMinute"] = "100000",
            },
        }, CancellationToken.None);

        var gateways = platform.Processes.Where(p => p.Name.StartsWith("gateway", StringComparison.Ordinal)).Select(p => p.Url).ToList();
        var creatorUrl = platform.Url("creator");
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 512, UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };

        var seeder = new DemoSeeder(new HttpClient { BaseAddress = gateways[0] }, Path.Combine(AppContext.BaseDirectory, "DemoData"), _ => { });
        var slug = await seeder.SeedAsync(platform.AdminEmail, platform.AdminPassword, platform.AdminPassword + "-maya", CancellationToken.None);
        var fan = await SignUpAsync(http, gateways[0], $"bench-{Guid.NewGuid():N}@example.com");
        var path = $"/api/v1/creators/{slug}";

        Func<CancellationToken, Task<bool>> Get(Uri baseUrl, string? token) => async ct =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl, path));
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            using var response = await http.SendAsync(request, ct);
            await response.Content.CopyToAsync(Stream.Null, ct);
            return response.StatusCode == HttpStatusCode.OK;
        };

        var warmup = TimeSpan.FromSeconds(2);
        var duration = TimeSpan.FromSeconds(seconds);
        var results = new List<LoadRunner.Result>
        {
            await LoadRunner.RunAsync("creator service, direct", concurrency, warmup, duration, Get(creatorUrl, fan)),
            await LoadRunner.RunAsync("gateway, anonymous (proxy only)", concurrency, warmup, duration, Get(gateways[0], null)),
            await LoadRunner.RunAsync("gateway, signed in (token + status + Redis limiter + proxy)", concurrency, warmup, duration, Get(gateways[0], fan)),
        };

        Console.WriteLine();
        Console.WriteLine($"## Gateway cost — GET {path}, {concurrency} concurrent clients, {seconds} s each, {Environment.ProcessorCount} cores");
        Console.WriteLine();
        Console.WriteLine("| path | requests/s | p50 ms | p99 ms | errors |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Name} | {r.RequestsPerSecond:0} | {r.P50Ms:0.00} | {r.P99Ms:0.00} | {r.Errors} |"));
        }

        var direct = results[0];
        var signedIn = results[2];
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Gateway cost (signed in − direct): p50 {signedIn.P50Ms - direct.P50Ms:+0.00;-0.00} ms, p99 {signedIn.P99Ms - direct.P99Ms:+0.00;-0.00} ms, throughput {signedIn.RequestsPerSecond / direct.RequestsPerSecond:P0} of direct."));

        // Exactness: one free-tier user, a burst spread over three replicas sharing one Redis.
        var limited = await SignUpAsync(http, gateways[0], $"burst-{Guid.NewGuid():N}@example.com");
        var responses = await Task.WhenAll(Enumerable.Range(0, burst).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(gateways[i % gateways.Count], "/api/v1/chat"))
            {
                Content = JsonContent.Create(new { creator_id = slug, message = $"Burst question {i}?" }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", limited);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }));

        var byStatus = responses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{(int)g.Key} × {g.Count()}");
        var allowed = responses.Count(s => s == HttpStatusCode.OK);
        Console.WriteLine();
        Console.WriteLine($"## Exactness — {burst} chat requests of one free-tier user over {gateways.Count} gateway replicas");
        Console.WriteLine();
        Console.WriteLine($"Statuses: {string.Join(", ", byStatus)}. Allowed: {allowed} (limit 50) — {(allowed == 50 ? "exact" : "NOT EXACT")}.");
        return allowed == 50 ? 0 : 1;
    }

    private static async Task<string> SignUpAsync(HttpClient http, Uri gateway, string email)
    {
        const string password = "Bench-password-1";
        using var registered = await http.PostAsJsonAsync(new Uri(gateway, "/api/v1/auth/register"), new { email, password });
        registered.EnsureSuccessStatusCode();
        using var login = await http.PostAsJsonAsync(new Uri(gateway, "/api/v1/auth/login"), new { email, password });
        login.EnsureSuccessStatusCode();
        return JsonNode.Parse(await login.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>();
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
    }
}
