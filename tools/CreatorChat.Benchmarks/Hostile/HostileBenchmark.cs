using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CreatorChat.AppHost.Seeding;

namespace CreatorChat.Benchmarks.Hostile;

/// <summary>
/// Malformed and hostile requests of issue 9's classes against a throwaway platform, through the
/// gateway, each on its own connection: counts by status and by class, and every 5xx with its request
/// (505 for an unknown HTTP version is allowed). Loopback only, bounded in count and time. Command:
/// <c>dotnet run -c Release --project tools/CreatorChat.Benchmarks -- hostile [--repeat 8] [--concurrency 16]</c>.
/// </summary>
public static class HostileBenchmark
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(20);

    public static async Task<int> RunAsync(string[] args)
    {
        var repeat = BenchmarkPlatform.Option(args, "--repeat", 8);
        var concurrency = BenchmarkPlatform.Option(args, "--concurrency", 16);
        await using var platform = await BenchmarkPlatform.StartAsync("hostile", new Dictionary<string, int> { ["chat"] = 2, ["retrieval"] = 2 });
        var gateway = platform.GatewayUrl;
        using var http = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(60) };

        var seeder = new DemoSeeder(new HttpClient { BaseAddress = gateway }, Path.Combine(AppContext.BaseDirectory, "Seeding", "DemoData"), _ => { });
        var slug = await seeder.SeedAsync(platform.AdminEmail, platform.AdminPassword, platform.AdminPassword + "-maya", CancellationToken.None);
        var admin = await LoginAsync(http, platform.AdminEmail, platform.AdminPassword);
        var email = $"hostile-{Guid.NewGuid():N}@example.com";
        Guid fanId;
        using (var registered = await http.PostAsJsonAsync("/api/v1/auth/register", new { email, password = "Hostile-password-1" }))
        {
            registered.EnsureSuccessStatusCode();
            fanId = JsonNode.Parse(await registered.Content.ReadAsStringAsync())!["id"]!.GetValue<Guid>();
        }
        // Enterprise tier: the hourly chat limit must not hide what the chat service answers.
        using (var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/admin/users/{fanId}") { Content = JsonContent.Create(new { tier = "enterprise" }) })
        {
            patch.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
            (await http.SendAsync(patch)).EnsureSuccessStatusCode();
        }

        var fan = await LoginAsync(http, email, "Hostile-password-1");
        var catalogue = new HostileRequests(gateway.Authority, fan, admin, slug, fanId);
        var requests = catalogue.All(repeat).ToList();
        var stalled = catalogue.Stalled().ToList();
        Console.WriteLine($"Sending {requests.Count + stalled.Count} hostile requests to {gateway} ({concurrency} at a time, {RequestTimeout.TotalSeconds:0} s each at most) …");

        var results = new ConcurrentBag<(HostileRequest Request, int Status)>();
        var clock = Stopwatch.StartNew();
        var stalls = Task.WhenAll(stalled.Select(async r => results.Add((r, await RawExchange.SendAsync(gateway, r, RequestTimeout)))));
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (request, _) =>
            results.Add((request, await RawExchange.SendAsync(gateway, request, RequestTimeout))));
        await stalls;
        clock.Stop();

        Console.WriteLine();
        Console.WriteLine($"## Hostile requests — {results.Count} in {clock.Elapsed.TotalSeconds:0.0} s, {Environment.ProcessorCount} cores");
        Console.WriteLine();
        Console.WriteLine("| status | count |");
        Console.WriteLine("| ---: | ---: |");
        foreach (var group in results.GroupBy(r => r.Status).OrderBy(g => g.Key))
        {
            Console.WriteLine($"| {(group.Key == 0 ? "no answer" : group.Key)} | {group.Count()} |");
        }

        Console.WriteLine();
        Console.WriteLine("| class | requests | statuses |");
        Console.WriteLine("| --- | ---: | --- |");
        foreach (var group in results.GroupBy(r => r.Request.Class).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var statuses = string.Join(", ", group.GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => $"{(g.Key == 0 ? "none" : g.Key)} × {g.Count()}"));
            Console.WriteLine($"| {group.Key} | {group.Count()} | {statuses} |");
        }

        var failures = results.Where(r => r.Status >= 500 && !(r.Status == 505 && r.Request.Class == "protocol")).ToList();
        Console.WriteLine();
        Console.WriteLine($"## 5xx answers: {failures.Count}");
        foreach (var group in failures.GroupBy(r => (r.Status, r.Request.Label)).OrderBy(g => g.Key.Label, StringComparer.Ordinal))
        {
            var sample = group.First().Request;
            // The request as sent, without its bearer token (a credential, and noise).
            var text = Encoding.Latin1.GetString(sample.Bytes);
            var head = string.Join("\r\n", text.Split("\r\n").Where(line => !line.StartsWith("Authorization:", StringComparison.OrdinalIgnoreCase)));
            head = head[..Math.Min(head.Length, 300)];
            Console.WriteLine($"- {group.Key.Status} × {group.Count()} [{sample.Class}] {group.Key.Label}");
            Console.WriteLine($"  `{Escape(head)}`");
        }

        return failures.Count == 0 ? 0 : 1;
    }

    private static string Escape(string text)
    {
        var builder = new StringBuilder();
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '\r' => "\\r",
                '\n' => "\\n",
                '`' => "'",
                < ' ' or > '~' => $"\\x{(int)c:X2}",
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }

    private static async Task<string> LoginAsync(HttpClient http, string email, string password)
    {
        using var login = await http.PostAsJsonAsync("/api/v1/auth/login", new { email, password });
        login.EnsureSuccessStatusCode();
        return JsonNode.Parse(await login.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>();
    }
}
