using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CreatorChat.Benchmarks.Chat;
using CreatorChat.Testing;

namespace CreatorChat.Benchmarks.Faults;

/// <summary>
/// N fans chat through the gateway (JSON turns, continuing conversations) while, one at a time, Redis,
/// one retrieval replica, one chat replica and PostgreSQL are killed and restarted (the replicas also stopped
/// gracefully and restarted), then frozen
/// (SIGSTOP: the process holds its port and never answers) and thawed. Per fault: error rate during
/// the fault and after it, seconds until the last error after the restore, p99 latency after the
/// first timeout, when the last failed or degraded turn of the fault ended, and at the end every acknowledged answer is looked up in its conversation's history.
/// Platform: 2 chat and 2 retrieval replicas; loopback only; about 2 × S seconds per fault.
/// </summary>
public static class FaultsBenchmark
{
    private static readonly string[] Targets = ["redis", "retrieval-1", "chat-1", "postgres"];

    private sealed record Sample(int Fan, double StartedAt, double Latency, int Status, bool Degraded, Guid? Conversation, Guid? Message);

    private sealed record Phase(string Name, double FaultAt, double RestoredAt, double EndAt);

    public static async Task<int> RunAsync(string[] args)
    {
        var fans = BenchmarkPlatform.Option(args, "--fans", 20);
        var seconds = BenchmarkPlatform.Option(args, "--seconds", 10);
        var at = Array.IndexOf(args, "--targets");
        var targetNames = at >= 0 && at + 1 < args.Length ? args[at + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : Targets;
        if (targetNames.Except(Targets).FirstOrDefault() is { } unknown)
        {
            Console.Error.WriteLine($"Unknown target '{unknown}' (known: {string.Join(", ", Targets)}).");
            return 2;
        }

        var captions = BuildInfo.CourseEnglishCaptionsFolder;
        if (!Directory.Exists(captions))
        {
            Console.Error.WriteLine($"Captions not found at {captions}.");
            return 1;
        }

        await using var platform = await BenchmarkPlatform.StartAsync("faults", new Dictionary<string, int> { ["chat"] = 2, ["retrieval"] = 2 });
        IFaultTargets targets = new AspireFaultTargets(platform);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 256, UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        using var http = new HttpClient(handler) { BaseAddress = targets.GatewayUrl, Timeout = TimeSpan.FromSeconds(30) };

        var admin = await ChatBenchmark.LoginAsync(http, platform.AdminEmail, platform.AdminPassword);
        await ChatBenchmark.SetUpCreatorAsync(http, admin, captions, 8);
        var tokens = await ChatBenchmark.RegisterUsersAsync(http, admin, fans);
        Console.WriteLine($"Platform ready: 2 chat + 2 retrieval replicas, {fans} fans, {seconds} s per fault phase.\n");

        var clock = Stopwatch.StartNew();
        var samples = new ConcurrentBag<Sample>();
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, fans).Select(i => FanAsync(http, i, tokens[i], clock, samples, stop.Token)).ToList();

        var phases = new List<Phase>();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        foreach (var target in targetNames)
        {
            // A replica is also stopped gracefully, as an orchestrator scales it in or rolls it.
            foreach (var fault in target is "redis" or "postgres" ? new[] { "killed", "frozen" } : ["killed", "stopped", "frozen"])
            {
                var freeze = fault == "frozen";
                var name = $"{target} {fault}";
                Console.WriteLine($"[{clock.Elapsed.TotalSeconds,6:0.0} s] {name}");
                var faultAt = clock.Elapsed.TotalSeconds;
                using var budget = new CancellationTokenSource(TimeSpan.FromMinutes(2));
                var pid = targets.ProcessId(target);
                if (freeze)
                {
                    ProcessFreezer.Freeze(pid);
                }
                else if (fault == "stopped")
                {
                    await targets.StopAsync(target, budget.Token);
                }
                else
                {
                    await targets.KillAsync(target, budget.Token);
                }

                await Task.Delay(TimeSpan.FromSeconds(seconds));
                if (freeze)
                {
                    ProcessFreezer.Thaw(pid);
                }
                else
                {
                    await targets.RestartAsync(target, budget.Token);
                }

                var restoredAt = clock.Elapsed.TotalSeconds;
                await Task.Delay(TimeSpan.FromSeconds(seconds));
                phases.Add(new Phase(name, faultAt, restoredAt, clock.Elapsed.TotalSeconds));
            }
        }

        await stop.CancelAsync();
        await Task.WhenAll(load);
        var all = samples.ToList();
        var (missing, unreadable) = await MissingAnswersAsync(http, tokens, all);
        Print(phases, all, missing, unreadable);
        return 0;
    }

    private static async Task FanAsync(HttpClient http, int fan, string token, Stopwatch clock, ConcurrentBag<Sample> samples, CancellationToken stop)
    {
        Guid? conversation = null;
        var turns = 0;
        while (!stop.IsCancellationRequested)
        {
            var question = string.Create(CultureInfo.InvariantCulture,
                $"Can you explain {ChatBenchmark.Topics[(fan + turns) % ChatBenchmark.Topics.Length]}? (fan {fan}, turn {turns})");
            var startedAt = clock.Elapsed.TotalSeconds;
            int status;
            JsonNode? body = null;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/chat")
                {
                    Content = JsonContent.Create(new { creator_id = ChatBenchmark.Slug, message = question, conversation_id = conversation }),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await http.SendAsync(request, CancellationToken.None);
                status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    body = JsonNode.Parse(await response.Content.ReadAsStringAsync(CancellationToken.None));
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or IOException)
            {
                status = 0; // no answer at all (connection refused or reset, timed out)
            }

            var latency = clock.Elapsed.TotalSeconds - startedAt;
            var conversationId = body?["conversation_id"]?.GetValue<Guid>();
            var messageId = body?["message_id"]?.GetValue<Guid>();
            samples.Add(new Sample(fan, startedAt, latency, status, body?["degraded"]?.GetValue<bool>() ?? false, conversationId, messageId));
            if (status == 404)
            {
                conversation = null; // the conversation's first question was never saved
            }
            else if (conversationId is not null)
            {
                conversation = ++turns % 10 == 0 ? null : conversationId;
            }

            if (status is not (>= 200 and < 300))
            {
                await Task.Delay(200, CancellationToken.None); // a client backs off a little after an error
            }
        }
    }

    /// <summary>
    /// Every acknowledged answer (a 2xx with a message id) looked up in its conversation's history. A history that cannot be
    /// read right now is asked again for a while, and one that never answers is counted as unreadable, not as lost.
    /// </summary>
    private static async Task<(List<Sample> Missing, int Unreadable)> MissingAnswersAsync(HttpClient http, List<string> tokens, List<Sample> samples)
    {
        var missing = new List<Sample>();
        var unreadable = 0;
        foreach (var group in samples.Where(s => s.Message is not null).GroupBy(s => (s.Fan, s.Conversation)))
        {
            HashSet<Guid>? stored = null;
            for (var attempt = 0; attempt < 20 && stored is null; attempt++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/conversations/{group.Key.Conversation}/messages");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens[group.Key.Fan]);
                using var response = await http.SendAsync(request);
                if (response.IsSuccessStatusCode)
                {
                    stored = (JsonNode.Parse(await response.Content.ReadAsStringAsync()) as JsonArray ?? []).Select(m => m!["id"]!.GetValue<Guid>()).ToHashSet();
                }
                else if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
                {
                    stored = []; // the whole conversation is gone
                }
                else
                {
                    await Task.Delay(500);
                }
            }

            if (stored is null)
            {
                unreadable += group.Count();
                continue;
            }

            missing.AddRange(group.Where(s => !stored.Contains(s.Message!.Value)));
        }

        return (missing, unreadable);
    }

    private static void Print(List<Phase> phases, List<Sample> samples, List<Sample> missing, int unreadable)
    {
        static bool Failed(Sample s) => s.Status is not (>= 200 and < 300);
        static string Rate(List<Sample> window) => window.Count == 0 ? "–" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * window.Count(Failed) / window.Count:0.0} % of {window.Count}");

        Console.WriteLine();
        Console.WriteLine("| fault | errors during | errors after | recovery (s) | p99 after first timeout (ms) | degraded answers | last error or degraded (s after fault) | statuses during | statuses after |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |");
        foreach (var phase in phases)
        {
            var during = samples.Where(s => s.StartedAt >= phase.FaultAt && s.StartedAt < phase.RestoredAt).ToList();
            var after = samples.Where(s => s.StartedAt >= phase.RestoredAt && s.StartedAt < phase.EndAt).ToList();
            var lastError = after.Where(Failed).Select(s => s.StartedAt + s.Latency).DefaultIfEmpty(phase.RestoredAt).Max();
            var firstTimeout = during.Where(s => Failed(s) || s.Latency > 1).Select(s => s.StartedAt + s.Latency).DefaultIfEmpty(double.NaN).Min();
            var afterTimeout = double.IsNaN(firstTimeout)
                ? during
                : samples.Where(s => s.StartedAt >= firstTimeout && s.StartedAt < phase.EndAt).ToList();
            var latencies = afterTimeout.Select(s => s.Latency * 1000).Order().ToList();
            var p99 = latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(latencies.Count * 0.99) - 1)];
            // When the fault stopped costing answers: the end of the last failed or degraded turn of the fault's window.
            var lastBad = during.Where(s => Failed(s) || s.Degraded).Select(s => s.StartedAt + s.Latency - phase.FaultAt).DefaultIfEmpty(double.NaN).Max();
            static string Statuses(List<Sample> window) => string.Join(", ", window.GroupBy(s => s.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {phase.Name} | {Rate(during)} | {Rate(after)} | {lastError - phase.RestoredAt:0.0} | {p99:0} | {during.Count(s => s.Degraded)} | {(double.IsNaN(lastBad) ? "–" : lastBad.ToString("0.0", CultureInfo.InvariantCulture))} | {Statuses(during)} | {Statuses(after)} |"));
        }

        var acknowledged = samples.Count(s => s.Message is not null);
        Console.WriteLine();
        Console.WriteLine($"Acknowledged answers: {acknowledged}; missing from history at the end: {missing.Count}; history unreadable (not checked): {unreadable}.");
        foreach (var lost in missing.GroupBy(s => phases.LastOrDefault(p => s.StartedAt + s.Latency >= p.FaultAt)?.Name ?? "before the first fault"))
        {
            Console.WriteLine($"  acknowledged during or after '{lost.Key}': {lost.Count()} missing ({string.Join(", ", lost.Select(s => s.Message))})");
        }
    }
}
