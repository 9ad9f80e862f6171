using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CreatorChat.AppHost.Seeding;
using CreatorChat.Testing;

namespace CreatorChat.Benchmarks.Gateway;

/// <summary>
/// What the gateway costs, and whether its limits are exact.
/// 1. The same request (<c>GET /api/v1/creators/{slug}</c>) sent straight to the creator service
///    (with a bearer token), through Debian's nginx started by the benchmark (<see cref="NginxProxy"/>,
///    proxy only), through the gateway anonymously (proxy only), and through the gateway signed in
///    (token check, user status, the per-user Redis limiter, proxy): p50/p99 and requests/s at
///    100 concurrent clients, in one run on one platform, nginx and the gateway proxying to the same
///    creator instance (the address in the gateway's own <c>services__creator__http__0</c>).
///    Targets: the gateway's proxying ≥ 0.9× nginx's requests/s, p99 ≤ 1.2× nginx's.
/// 2. Three gateway replicas, one free-tier user, a burst of chat requests spread over all three:
///    exactly 50 must pass.
/// Loopback only, bounded in time. Command:
/// <c>dotnet run -c Release --project tools/CreatorChat.Benchmarks -- gateway [--seconds 10] [--concurrency 100] [--burst 300] [--rounds 1]</c>.
/// </summary>
public static class GatewayBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = BenchmarkPlatform.Option(args, "--seconds", 10);
        var concurrency = BenchmarkPlatform.Option(args, "--concurrency", 100);
        var burst = BenchmarkPlatform.Option(args, "--burst", 300);
        var rounds = Math.Max(1, BenchmarkPlatform.Option(args, "--rounds", 1));
        if (NginxProxy.Binary is null)
        {
            Console.Error.WriteLine("nginx is not installed: run scripts/install-prerequisites.sh (or apt-get install -y nginx-light); the gateway is measured against it.");
            return 2;
        }

        Console.WriteLine("Gateway ×3, creator, chat, retrieval.");
        await using var platform = await BenchmarkPlatform.StartAsync("gateway", new Dictionary<string, int> { ["gateway"] = 3 });

        var gatewayProcesses = platform.Processes.Where(p => p.Service == "gateway").ToList();
        var gateways = gatewayProcesses.Select(p => p.Url).ToList();
        var creatorUrl = UpstreamOf(gatewayProcesses[0], "creator") ?? platform.Url("creator");
        await using var nginx = await NginxProxy.StartAsync(creatorUrl, CancellationToken.None);
        Console.WriteLine($"Creator instance behind both proxies: {creatorUrl}; nginx {await NginxVersionAsync()} on {nginx.Url}.");
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 512, UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };

        var seeder = new DemoSeeder(new HttpClient { BaseAddress = gateways[0] }, Path.Combine(AppContext.BaseDirectory, "Seeding", "DemoData"), _ => { });
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
        // Each path runs twice per round, in mirrored order (A B C D D C B A), so warm-up and drift do not favour
        // one of them; on a busy machine more rounds average out more of the noise.
        var paths = new (string Name, Func<CancellationToken, Task<bool>> Send)[]
        {
            ("creator service, direct", Get(creatorUrl, fan)),
            ("nginx, anonymous (proxy only)", Get(nginx.Url, null)),
            ("gateway, anonymous (proxy only)", Get(gateways[0], null)),
            ("gateway, signed in (token + status + Redis limiter + proxy)", Get(gateways[0], fan)),
        };
        // Tiered JIT and connection pools settle over the first seconds of load: warm every path first.
        foreach (var (_, send) in paths)
        {
            await LoadRunner.RunAsync("warm-up", concurrency, TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(1), send);
        }

        var results = new List<LoadRunner.Result>();
        foreach (var index in Enumerable.Repeat(new[] { 0, 1, 2, 3, 3, 2, 1, 0 }, rounds).SelectMany(r => r))
        {
            Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] phase {results.Count + 1}: {paths[index].Name}");
            results.Add(await LoadRunner.RunAsync(paths[index].Name, concurrency, warmup, duration, paths[index].Send));
        }

        Console.WriteLine();
        Console.WriteLine($"## Gateway cost — GET {path}, {concurrency} concurrent clients, {seconds} s per phase, {Environment.ProcessorCount} cores");
        Console.WriteLine();
        Console.WriteLine("| phase | path | requests/s | p50 ms | p99 ms | errors |");
        Console.WriteLine("| ---: | --- | ---: | ---: | ---: | ---: |");
        for (var i = 0; i < results.Count; i++)
        {
            var r = results[i];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {i + 1} | {r.Name} | {r.RequestsPerSecond:0} | {r.P50Ms:0.00} | {r.P99Ms:0.00} | {r.Errors} |"));
        }

        LoadRunner.Result Mean(int index)
        {
            var runs = results.Where(r => r.Name == paths[index].Name).ToList();
            return new LoadRunner.Result(paths[index].Name, runs.Sum(r => r.Requests), runs.Sum(r => r.Errors), runs.Sum(r => r.Seconds),
                runs.Average(r => r.P50Ms), runs.Average(r => r.P99Ms));
        }

        var direct = Mean(0);
        var viaNginx = Mean(1);
        var anonymous = Mean(2);
        var signedIn = Mean(3);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Gateway cost (signed in − direct, mean of all runs): p50 {signedIn.P50Ms - direct.P50Ms:+0.00;-0.00} ms, p99 {signedIn.P99Ms - direct.P99Ms:+0.00;-0.00} ms, throughput {signedIn.RequestsPerSecond / direct.RequestsPerSecond:P0} of direct ({signedIn.RequestsPerSecond:0} vs {direct.RequestsPerSecond:0} requests/s)."));
        Console.WriteLine("On 2 cores the load generator, the gateway, the service and Postgres share the CPU: the gateway's cost shows mostly as throughput.");

        var throughput = anonymous.RequestsPerSecond / viaNginx.RequestsPerSecond;
        var tail = anonymous.P99Ms / viaNginx.P99Ms;
        Console.WriteLine();
        Console.WriteLine($"## Gateway vs nginx — the same request proxied to the same creator instance ({creatorUrl}), mean of all {2 * rounds} runs of each");
        Console.WriteLine();
        Console.WriteLine("| proxy | requests/s | p50 ms | p99 ms |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        foreach (var r in new[] { viaNginx, anonymous, signedIn })
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {r.Name} | {r.RequestsPerSecond:0} | {r.P50Ms:0.00} | {r.P99Ms:0.00} |"));
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Gateway (proxy only) / nginx: requests/s {throughput:0.00}× (target ≥ 0.90×: {(throughput >= 0.9 ? "met" : "MISSED")}), p50 {anonymous.P50Ms / viaNginx.P50Ms:0.00}×, p99 {tail:0.00}× (target ≤ 1.20×: {(tail <= 1.2 ? "met" : "MISSED")})."));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Gateway signed in / nginx: requests/s {signedIn.RequestsPerSecond / viaNginx.RequestsPerSecond:0.00}×, p99 {signedIn.P99Ms / viaNginx.P99Ms:0.00}× (the token check, user status and Redis limiter are work nginx does not do)."));

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

    /// <summary>Where the gateway's service discovery sends <paramref name="service"/>: its own services__&lt;service&gt;__http__0 (Linux /proc), or null.</summary>
    private static Uri? UpstreamOf(PlatformProcess gateway, string service)
    {
        try
        {
            var prefix = $"services__{service}__http__0=";
            var value = File.ReadAllText($"/proc/{gateway.Id}/environ").Split('\0').FirstOrDefault(v => v.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..];
            return value is null ? null : new Uri(value.Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static async Task<string> NginxVersionAsync()
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(NginxProxy.Binary!, "-v") { RedirectStandardError = true, UseShellExecute = false })!;
        var version = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return version.Trim().Replace("nginx version: ", "", StringComparison.Ordinal);
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
}
