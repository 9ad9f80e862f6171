// Over 300 lines on purpose: one benchmark scenario end to end (platform, fans, measurement, report), read top to bottom as the run happens.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CreatorChat.Testing;

namespace CreatorChat.Benchmarks.Chat;

/// <summary>
/// Chat turns through the gateway with the offline model, on a local platform (real processes,
/// loopback only): turns per second and time to first token (p50/p99) for JSON and server-sent
/// events at 10 and 100 concurrent users, each asking questions nobody asked before (so every turn
/// searches and generates), then cached turns per second at 100 users. Capacity phases are closed
/// loops (each user asks again as soon as its answer is complete: throughput, with latency set by
/// queueing); the latency phases pace 100 users to a target rate (default 300 turns/s together) and
/// report time to first token at that load. Bounded in time (about two minutes), loopback only.
/// </summary>
/// <remarks>
/// Command: <c>dotnet run -c Release --project tools/CreatorChat.Benchmarks -- chat [--seconds 10] [--videos 82] [--rate 300]</c>.
/// The knowledge base is the real captions of the Hugging Face course (<see cref="BuildInfo.CourseEnglishCaptionsFolder"/>). Users are
/// registered through the API and raised to the enterprise tier (5,000 chat requests an hour); the
/// per-minute API floor is raised so that it measures chat, not the limiter's refusals — the
/// limiter still runs (its Redis scripts are part of every measured turn).
/// </remarks>
public static class ChatBenchmark
{
    internal const string Slug = "hf-course";

    internal static readonly string[] Topics =
    [
        "the pipeline function", "transfer learning", "the Transformer architecture", "encoder models", "decoder models",
        "encoder-decoder models", "tokenizers", "padding and truncation", "the attention mask", "fine-tuning a model",
        "the Trainer API", "batching inputs", "word embeddings", "the carbon footprint of training", "saving and loading a model",
        "dynamic padding", "the datasets library", "sentence pairs", "the Hub", "model cards",
    ];

    private static readonly string[] Templates =
    [
        "What do you say about {0}?", "Can you explain {0}?", "How does {0} work?", "Why does {0} matter?", "What should I know about {0}?",
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = BenchmarkPlatform.Option(args, "--seconds", 10);
        var videoCount = BenchmarkPlatform.Option(args, "--videos", 82);
        var rate = BenchmarkPlatform.Option(args, "--rate", 300);
        var captions = BuildInfo.CourseEnglishCaptionsFolder;
        if (!Directory.Exists(captions))
        {
            Console.Error.WriteLine($"Captions not found at {captions}.");
            return 1;
        }

        await using var platform = await BenchmarkPlatform.StartAsync("chat");

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10), UseProxy = false };
        using var http = new HttpClient(handler) { BaseAddress = platform.GatewayUrl, Timeout = TimeSpan.FromSeconds(60) };

        var admin = await LoginAsync(http, platform.AdminEmail, platform.AdminPassword);
        await SetUpCreatorAsync(http, admin, captions, videoCount);
        var users = await RegisterUsersAsync(http, admin, 100);
        Console.WriteLine($"Platform ready: {videoCount} videos ingested, {users.Count} enterprise-tier fans.\n");

        var meter = new CpuMeter(platform);
        var results = new List<Result>();
        var questionNumber = 0;
        string NextUnique()
        {
            var n = Interlocked.Increment(ref questionNumber);
            return string.Format(CultureInfo.InvariantCulture, Templates[n % Templates.Length], Topics[(n / Templates.Length) % Topics.Length]) +
                   string.Create(CultureInfo.InvariantCulture, $" (question {n})");
        }

        // Warm up every code path (JIT tiering, connection pools, retrieval's index) before measuring.
        foreach (var streaming in new[] { false, true })
        {
            await RunPhaseAsync(http, users, streaming, TimeSpan.FromSeconds(4), NextUnique);
        }

        // Capacity: closed loop, each user asks again as soon as the answer is complete.
        foreach (var streaming in new[] { false, true })
        {
            foreach (var concurrency in new[] { 10, 100 })
            {
                results.Add(await PhaseAsync($"{(streaming ? "SSE " : "JSON")} uncached, {concurrency,3} users, max rate",
                    () => RunPhaseAsync(http, users.Take(concurrency).ToList(), streaming, TimeSpan.FromSeconds(seconds), NextUnique, meter)));
            }
        }

        // Latency at the target load: 100 users together asking `rate` questions a second, evenly spread.
        foreach (var streaming in new[] { false, true })
        {
            results.Add(await PhaseAsync($"{(streaming ? "SSE " : "JSON")} uncached, 100 users at {rate}/s",
                () => RunPhaseAsync(http, users, streaming, TimeSpan.FromSeconds(seconds), NextUnique, meter, rate)));
        }

        // Cached: a small set of popular questions, each answered once before the measurement.
        var popular = Enumerable.Range(0, 50).Select(i => string.Format(CultureInfo.InvariantCulture, Templates[i % Templates.Length], Topics[i % Topics.Length])).Distinct().ToList();
        foreach (var question in popular)
        {
            await AskAsync(http, users[0], question, streaming: false);
        }

        var cachedIndex = 0;
        string NextPopular() => popular[Interlocked.Increment(ref cachedIndex) % popular.Count];
        foreach (var streaming in new[] { false, true })
        {
            results.Add(await PhaseAsync($"{(streaming ? "SSE " : "JSON")} cached,   100 users, max rate",
                () => RunPhaseAsync(http, users, streaming, TimeSpan.FromSeconds(seconds), NextPopular, meter)));
        }

        Print(results, Environment.ProcessorCount);
        return results.Any(r => r.Errors > 0) ? 1 : 0;
    }

    public sealed record Result(string Name, int Turns, int Errors, int Cached, double Seconds, double TtftP50, double TtftP99, double LatencyP50, double LatencyP99, string Cpu)
    {
        public double TurnsPerSecond => Turns / Seconds;
    }

    private sealed record Sample(double TtftMs, double LatencyMs, bool Cached);

    // Says when each phase starts, so that a profiler can be attached to the one it is meant for.
    private static async Task<Result> PhaseAsync(string name, Func<Task<Result>> run)
    {
        Console.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] phase: {name}");
        return await run() with { Name = name };
    }

    /// <param name="ratePerSecond">
    /// Null: closed loop (ask again at once). Otherwise the users together ask this many questions a
    /// second, each on its own fixed schedule (a user whose answer is late asks late, never twice at once).
    /// </param>
    private static async Task<Result> RunPhaseAsync(
        HttpClient http, IReadOnlyList<string> users, bool streaming, TimeSpan duration, Func<string> nextQuestion, CpuMeter? meter = null, int? ratePerSecond = null)
    {
        var cpuBefore = meter?.Snapshot();
        var samples = new List<Sample>[users.Count];
        var errors = 0;
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        var interval = ratePerSecond is { } rate ? TimeSpan.FromSeconds((double)users.Count / rate) : TimeSpan.Zero;
        await Task.WhenAll(users.Select(async (token, i) =>
        {
            var mine = samples[i] = [];
            var next = TimeSpan.FromTicks(interval.Ticks * i / users.Count);
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                if (interval > TimeSpan.Zero)
                {
                    var wait = next - Stopwatch.GetElapsedTime(started);
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait);
                    }

                    next += interval;
                    if (Stopwatch.GetTimestamp() >= stopAt)
                    {
                        break;
                    }
                }

                try
                {
                    mine.Add(await AskAsync(http, token, nextQuestion(), streaming));
                }
                catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or TaskCanceledException or JsonException)
                {
                    if (Interlocked.Increment(ref errors) <= 3)
                    {
                        Console.Error.WriteLine($"  turn failed: {ex.Message}");
                    }
                }
            }
        }));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var all = samples.SelectMany(s => s).ToList();
        var ttft = all.Select(s => s.TtftMs).Order().ToList();
        var latency = all.Select(s => s.LatencyMs).Order().ToList();
        var cpu = meter is null ? "" : CpuMeter.Describe(cpuBefore!, meter.Snapshot(), all.Count);
        return new Result("", all.Count, errors, all.Count(s => s.Cached), elapsed, Percentile(ttft, 0.5), Percentile(ttft, 0.99), Percentile(latency, 0.5), Percentile(latency, 0.99), cpu);
    }

    /// <summary>One turn. TTFT: the first delta event (SSE) or the whole answer (JSON, whose first token is its whole body).</summary>
    private static async Task<Sample> AskAsync(HttpClient http, string token, string question, bool streaming)
    {
        var started = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/chat")
        {
            Content = JsonContent.Create(new { creator_id = Slug, message = question }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(streaming ? "text/event-stream" : "application/json"));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        if (!streaming)
        {
            var body = await response.Content.ReadFromJsonAsync<JsonObject>();
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            return new Sample(ms, ms, body!["cached"]!.GetValue<bool>());
        }

        // The load generator shares the machine: scan bytes for the two markers that matter instead of parsing every event.
        double? ttft = null;
        await using var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[16 * 1024];
        var tail = new List<byte>(512);
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            var chunk = buffer.AsSpan(0, read);
            if (ttft is null && chunk.IndexOf("event: delta"u8) >= 0)
            {
                ttft = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }

            if (chunk.IndexOf("event: error"u8) >= 0)
            {
                throw new InvalidOperationException("error event");
            }

            // Keep the last bytes: the done event ({…, "cached": …}) ends the stream.
            tail.AddRange(chunk.Length > 512 ? chunk[^512..] : chunk);
            if (tail.Count > 1024)
            {
                tail.RemoveRange(0, tail.Count - 512);
            }
        }

        var end = Encoding.UTF8.GetString(tail.ToArray());
        var cached = end.Contains("event: done", StringComparison.Ordinal) && end[end.LastIndexOf("event: done", StringComparison.Ordinal)..].Contains("\"cached\":true", StringComparison.Ordinal);
        var total = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return new Sample(ttft ?? total, total, cached);
    }

    internal static async Task SetUpCreatorAsync(HttpClient http, string admin, string captions, int videoCount)
    {
        await SendAsync(http, HttpMethod.Post, "/api/v1/creators", admin, new
        {
            slug = Slug, name = "Hugging Face Course", specialty = "Transformers and NLP",
            persona = "You are the Hugging Face course team. Explain simply and precisely.",
        });
        var metadata = File.ReadAllLines(Path.Combine(captions, "metadata.csv")).Skip(1)
            .Concat(File.Exists(Path.Combine(captions, "metadata_tasks.csv")) ? File.ReadAllLines(Path.Combine(captions, "metadata_tasks.csv")).Skip(1) : [])
            .Select(ParseCsv).Where(c => c.Count >= 4).Take(videoCount).ToList();
        var watch = Stopwatch.StartNew();
        foreach (var row in metadata)
        {
            var file = Path.Combine(captions, Path.GetFileName(row[3]));
            await SendAsync(http, HttpMethod.Post, $"/api/v1/creators/{Slug}/videos", admin, new
            {
                video_id = row[0], title = row[1], url = $"https://www.youtube.com/watch?v={row[0]}", format = "srt",
                transcript = await File.ReadAllTextAsync(file),
            });
        }

        while (true)
        {
            var videos = (await SendAsync(http, HttpMethod.Get, $"/api/v1/creators/{Slug}/videos", admin, null)).AsArray();
            if (videos.Any(v => v!["status"]!.GetValue<string>() == "failed"))
            {
                throw new InvalidOperationException("An ingestion failed.");
            }

            if (videos.Count(v => v!["status"]!.GetValue<string>() == "ready") == metadata.Count)
            {
                break;
            }

            await Task.Delay(200);
        }

        Console.WriteLine($"Ingested {metadata.Count} caption files in {watch.Elapsed.TotalSeconds:0.0} s.");
    }

    internal static async Task<List<string>> RegisterUsersAsync(HttpClient http, string admin, int count)
    {
        var tokens = new string[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var email = string.Create(CultureInfo.InvariantCulture, $"fan{i}-{Guid.NewGuid():N}@bench.test");
            const string password = "Bench-fan-2026!";
            var user = await SendAsync(http, HttpMethod.Post, "/api/v1/auth/register", null, new { email, password });
            await SendAsync(http, HttpMethod.Patch, $"/api/v1/admin/users/{user["id"]}", admin, new { tier = "enterprise" });
            tokens[i] = await LoginAsync(http, email, password);
        });
        return [.. tokens];
    }

    internal static async Task<string> LoginAsync(HttpClient http, string email, string password) =>
        (await SendAsync(http, HttpMethod.Post, "/api/v1/auth/login", null, new { email, password }))["access_token"]!.GetValue<string>();

    internal static async Task<JsonNode> SendAsync(HttpClient http, HttpMethod method, string path, string? token, object? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
        }

        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    private static List<string> ParseCsv(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        foreach (var c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return fields;
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];


    private static void Print(List<Result> results, int cores)
    {
        Console.WriteLine($"\nChat through the gateway, offline model, {cores} cores (everything on this machine: client, gateway, services, Postgres, Redis)\n");
        Console.WriteLine("| phase | turns | turns/s | cached | errors | TTFT p50 | TTFT p99 | latency p50 | latency p99 |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Name} | {r.Turns} | {r.TurnsPerSecond:0} | {r.Cached} | {r.Errors} | {r.TtftP50:0.0} ms | {r.TtftP99:0.0} ms | {r.LatencyP50:0.0} ms | {r.LatencyP99:0.0} ms |"));
        }

        Console.WriteLine("\nCPU milliseconds per turn, by process:");
        foreach (var r in results)
        {
            Console.WriteLine($"  {r.Name}: {r.Cpu}");
        }
    }
}
