// Over 300 lines on purpose: one benchmark scenario end to end (platform, fans, measurement, report), read top to bottom as the run happens.
using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Text;
using CreatorChat.Retrieval.Extensions;
using CreatorChat.Retrieval.Infrastructure.Data;
using CreatorChat.Retrieval.Infrastructure.Embeddings;
using CreatorChat.Retrieval.Infrastructure.Ingestion;
using CreatorChat.Retrieval.Infrastructure.Search;
using CreatorChat.Retrieval.Infrastructure.VectorStores;
using CreatorChat.Retrieval.Model;
using CreatorChat.Retrieval.Model.Captions;
using CreatorChat.Retrieval.Model.Chunking;
using CreatorChat.Retrieval.Model.Search;
using CreatorChat.Retrieval.Model.Text;
using CreatorChat.ServiceDefaults.Data;
using CreatorChat.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CreatorChat.Benchmarks;

/// <summary>
/// Ingestion throughput over the 82 real caption files (through the service's own job path: queue,
/// claim, parse, chunk, embed, store, activate — everything but HTTP), search latency of the embedded
/// store's in-memory index at growing sizes and of the full store (Postgres version check and payload
/// fetch included), and memory per 100k chunks. Uses the production wiring (<c>AddApplicationServices</c>) on a
/// throwaway Postgres and Redis.
/// </summary>
public sealed class RetrievalBenchmark(RetrievalBenchmark.Options options)
{
    public sealed record Options(int[] Sizes, int[] StoreSizes, int Queries, string? Output, bool Ingestion = true)
    {
        public static Options? Parse(string[] args)
        {
            var options = new Options([10_000, 100_000, 1_000_000], [10_000, 100_000], 300, null);
            for (var i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--sizes" when i + 1 < args.Length:
                        options = options with { Sizes = Ints(args[++i]) };
                        break;
                    case "--store-sizes" when i + 1 < args.Length:
                        options = options with { StoreSizes = Ints(args[++i]) };
                        break;
                    case "--queries" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var q) && q > 0:
                        options = options with { Queries = q };
                        i++;
                        break;
                    case "--no-ingestion":
                        options = options with { Ingestion = false };
                        break;
                    case "--output" when i + 1 < args.Length:
                        options = options with { Output = args[++i] };
                        break;
                    default:
                        return null;
                }
            }

            return options;
        }

        private static int[] Ints(string value) =>
            value.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(v => int.Parse(v, CultureInfo.InvariantCulture)).Order().ToArray();
    }

    private const int Dimensions = SentenceModel.Dimensions;
    private readonly StringBuilder _report = new();

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var subtitles = BuildInfo.CourseEnglishCaptionsFolder;
        if (!Directory.Exists(subtitles))
        {
            Console.Error.WriteLine($"The caption files are not at {subtitles}.");
            return 1;
        }

        Line("# Retrieval benchmark");
        Line();
        Line($"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC · {Environment.ProcessorCount} logical CPUs · {System.Runtime.InteropServices.RuntimeInformation.OSDescription} · " +
             $".NET {Environment.Version} · SIMD: AVX-512 {Vector512.IsHardwareAccelerated}, AVX2 {Vector256.IsHardwareAccelerated} · {Dimensions}-dimension offline embeddings · " +
             $"load average at start: {LoadAverage()}");
        Line();

        var files = ReadCaptionFiles(subtitles);
        if (options.Ingestion)
        {
            MeasurePipelineCpu(files);
        }

        var folder = Path.Combine(Path.GetTempPath(), "creatorchat-bench", Guid.NewGuid().ToString("N")[..12]);
        await using var postgres = await LocalPostgres.StartAsync(Path.Combine(folder, "postgres"), FreePort.Next(), ephemeral: true, cancellationToken);
        await using var redis = await LocalRedis.StartAsync(Path.Combine(folder, "redis"), FreePort.Next(), persistent: false, cancellationToken);
        using var host = BuildHost(postgres.ConnectionString("retrievaldb"), redis.ConnectionString);
        await host.Services.GetRequiredService<SchemaMigrator>().MigrateAsync(cancellationToken);

        try
        {
            if (options.Ingestion)
            {
                await MeasureIngestionAsync(host.Services, files, cancellationToken);
            }

            MeasureIndex();
            await MeasureStoreAsync(host.Services, files, cancellationToken);
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        Line($"Load average at the end: {LoadAverage()} (other processes on the machine add noise, mostly to the tail percentiles).");
        if (options.Output is { } output)
        {
            await File.WriteAllTextAsync(output, _report.ToString(), cancellationToken);
            Console.WriteLine($"(written to {output})");
        }

        return 0;
    }

    internal sealed record CaptionFile(string VideoId, string Title, string Transcript, int TimedCues);

    internal static List<CaptionFile> ReadCaptionFiles(string folder)
    {
        var files = new List<CaptionFile>();
        foreach (var metadata in new[] { "metadata.csv", "metadata_tasks.csv" })
        {
            foreach (var line in File.ReadLines(Path.Combine(folder, metadata)).Skip(1).Where(l => l.Length > 0))
            {
                // id,title,link,srt_filename — titles here contain no commas or quotes except in quoted form.
                var id = line[..line.IndexOf(',', StringComparison.Ordinal)];
                var srt = Path.GetFileName(line[(line.LastIndexOf(',') + 1)..]);
                var title = line[(id.Length + 1)..line.IndexOf(",https://", StringComparison.Ordinal)].Trim('"');
                var transcript = File.ReadAllText(Path.Combine(folder, srt));
                files.Add(new CaptionFile(id, title, transcript, transcript.Split("-->").Length - 1));
            }
        }

        return files;
    }

    private void MeasurePipelineCpu(List<CaptionFile> files)
    {
        var embedder = new HashingEmbeddingGenerator();
        var runs = new List<double>();
        int cues = 0, chunks = 0;
        for (var run = 0; run < 6; run++)
        {
            var clock = Stopwatch.StartNew();
            cues = chunks = 0;
            foreach (var file in files)
            {
                var parsed = CaptionParser.Parse(file.Transcript, CaptionFormat.Srt);
                var pieces = TranscriptChunker.Chunk(parsed.Cues);
                foreach (var chunk in pieces)
                {
                    _ = embedder.Embed(IngestionProcessor.EmbeddingText(file.Title, chunk.Text));
                }

                cues += parsed.Cues.Count;
                chunks += pieces.Count;
            }

            if (run > 0)
            {
                runs.Add(clock.Elapsed.TotalMilliseconds); // the first run warms the JIT
            }
        }

        var timed = files.Sum(f => f.TimedCues);
        var median = Percentile(runs, 50);
        Line("## Ingestion");
        Line();
        Line($"82 files: {timed:N0} timed caption cues ({cues:N0} after removing sound-only and repeated cues) → {chunks:N0} chunks.");
        Line();
        Line("| stage | time for all 82 files | throughput |");
        Line("| --- | ---: | ---: |");
        Line($"| parse + chunk + embed (CPU only, median of 5) | {median:N0} ms | {timed / (median / 1000):N0} cues/s |");
    }

    /// <summary>The service's production wiring (<c>AddApplicationServices</c>) without its background workers.</summary>
    internal static IHost BuildHost(string connectionString, string redis, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:retrievaldb"] = connectionString,
            ["ConnectionStrings:cache"] = redis,
            ["Retrieval:Ingestion:Enabled"] = "false",
            ["Retrieval:Reporting:Enabled"] = "false",
            ["Jwt:SigningKey"] = TestTokens.DefaultKey, // required outside Development; no tokens are issued
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddServiceDefaults();
        builder.AddApplicationServices();
        return builder.Build();
    }

    /// <summary>The service's job path for every file: queue, then the configured number of workers claim and run jobs until none is left.</summary>
    internal static async Task<(TimeSpan Queued, TimeSpan Elapsed)> IngestAsync(
        IServiceProvider services, string creator, List<CaptionFile> files, CancellationToken cancellationToken)
    {
        var repository = services.GetRequiredService<IngestionJobRepository>();
        var worker = services.GetRequiredService<IngestionWorker>();
        var concurrency = services.GetRequiredService<IngestionOptions>().Concurrency;
        await services.GetRequiredService<VectorSpaceCatalog>().GetAsync(cancellationToken);

        var clock = Stopwatch.StartNew();
        foreach (var file in files)
        {
            await repository.EnqueueAsync(new NewIngestion(creator, file.VideoId, file.Title, null, null, "srt", file.Transcript, null), cancellationToken);
        }

        var queued = clock.Elapsed;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async replica =>
        {
            while (await repository.ClaimNextAsync($"bench-{replica}", TimeSpan.FromMinutes(1), cancellationToken) is { } job)
            {
                await worker.RunAsync(job, cancellationToken);
            }
        }));
        return (queued, clock.Elapsed);
    }

    private async Task MeasureIngestionAsync(IServiceProvider services, List<CaptionFile> files, CancellationToken cancellationToken)
    {
        var repository = services.GetRequiredService<VideoRepository>();
        var concurrency = services.GetRequiredService<IngestionOptions>().Concurrency;
        var load = LoadAverage();
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var (queued, elapsed) = await IngestAsync(services, "hf-course", files, cancellationToken);
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;

        var videos = await repository.ListVideosAsync("hf-course", cancellationToken);
        var ready = videos.Count(v => v.Status == VideoStatus.Ready);
        var search = await services.GetRequiredService<KnowledgeSearch>().SearchAsync("hf-course", "what does the pipeline function do", 5, cancellationToken);
        var timed = files.Sum(f => f.TimedCues);
        var model = (await services.GetRequiredService<Embedder>().GetSpaceAsync(cancellationToken)).ToString();
        Line($"| the service's job path with {model}: queue 82 jobs, {concurrency} workers claim, parse, chunk, embed, write to Postgres, activate | {elapsed.TotalMilliseconds:N0} ms (queueing {queued.TotalMilliseconds:N0} ms) | {timed / elapsed.TotalSeconds:N0} cues/s |");
        Line();
        Line($"Ingestion used {cpu.TotalSeconds:N1} s of CPU in this process ({cpu.TotalSeconds / elapsed.TotalSeconds:N2} cores on average); load average before: {load}, after: {LoadAverage()}. " +
             $"Process working set after ingestion: {Environment.WorkingSet / 1048576.0:N0} MB (the ONNX model included).");
        Line();
        Line($"{ready}/82 videos ready; \"what does the pipeline function do\" → {search.Results[0].VideoId} at {search.Results[0].Url}. " +
             "Through the gateway with HTTP (tests/CreatorChat.Retrieval.Tests, end to end) the same 82 files are searchable about 4 s after the first upload.");
        Line();
    }

    private void MeasureIndex()
    {
        Line("## Search latency, embedded store");
        Line();
        Line($"In-memory exact search of one creator's partition (the part that grows with the number of chunks): {Dimensions}-dimension normalised vectors (int8 in memory), " +
             $"top 30 candidates (a k=5 search asks for 20, plus 10 that the store re-scores exactly), {options.Queries} random queries after 60 warm-up queries.");
        Line();
        Line("| chunks | threads | p50 | p95 | p99 | mean | memory (vectors + row ids) | memory per 100k chunks (GC heap) |");
        Line("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");

        var random = new Random(42);
        var partition = VectorPartition.Empty(Dimensions);
        var generation = Guid.NewGuid();
        var parallel = new EmbeddedVectorStoreOptions().MaxSearchParallelism;
        foreach (var size in options.Sizes)
        {
            var managedBefore = 0L;
            var managedAfter = 0L;
            while (partition.Count < size)
            {
                var batch = Math.Min(100_000, size - partition.Count);
                var rows = new List<PartitionRow>(batch);
                for (var i = 0; i < batch; i++)
                {
                    rows.Add(new PartitionRow(Guid.NewGuid(), $"video-{(partition.Count + i) / 100}", generation, RandomUnit(random)));
                }

                managedBefore += GC.GetTotalMemory(forceFullCollection: true);
                partition = partition.Apply(partition.Version + 1, [], rows);
                managedAfter += GC.GetTotalMemory(forceFullCollection: true);
                rows.Clear();
            }

            var perHundredThousand = (managedAfter - managedBefore) * 100_000.0 / size;
            foreach (var threads in new[] { 1, parallel }.Distinct())
            {
                var latencies = Time(options.Queries, random, q => partition.Search(q, 30, -1f, null, threads));
                Line($"| {size:N0} | {threads} | {Ms(latencies, 50)} | {Ms(latencies, 95)} | {Ms(latencies, 99)} | {latencies.Average():0.00} ms | " +
                     $"{partition.EstimatedBytes / 1048576.0:N0} MB | {perHundredThousand / 1048576.0:N0} MB |");
            }

            Console.Out.Flush();
        }

        Line();
    }

    private async Task MeasureStoreAsync(IServiceProvider services, List<CaptionFile> files, CancellationToken cancellationToken)
    {
        var store = (EmbeddedVectorStore)(await services.GetRequiredService<VectorSpaceCatalog>().GetAsync(cancellationToken)).Active.Store;
        var embedder = services.GetRequiredService<Embedder>();
        var search = services.GetRequiredService<SearchOptions>();
        var random = new Random(7);
        // The configured model's dimension: the store refuses vectors of another space.
        var dimensions = (await embedder.GetSpaceAsync(cancellationToken)).Dimensions;
        // Real chunk texts, cycled, so the BM25 index has the term statistics of real captions.
        var texts = files.SelectMany(f => TranscriptChunker.Chunk(CaptionParser.Parse(f.Transcript, CaptionFormat.Srt).Cues).Select(c => (f.Title, c.Text))).ToList();
        var questions = CreatorChat.Benchmarks.RetrievalQuality.RetrievalQualityBenchmark.LoadQuestions().Select(q => q.Question).ToList();

        Line("The full embedded store (`EmbeddedVectorStore.SearchAsync`): Postgres version check, in-memory scan (default parallelism), payload fetch of the winners; " +
             "plus the cost of loading a partition on a replica's first search and of picking up another replica's new video (100 chunks).");
        Line();
        Line("The last two columns are a whole hybrid search of a real question: embedding it with the semantic model, BM25 over the creator's chunks, fusion, payload fetch.");
        Line();
        Line("| chunks | write (Postgres) | first search (cold load) | refresh after +100 chunks | semantic p50 | p95 | p99 | lexical (BM25) p50 | p99 | hybrid incl. query embedding p50 | p95 | p99 |");
        Line("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var size in options.StoreSizes)
        {
            var creator = $"bench-{size}";
            var generation = Guid.NewGuid();
            VectorRecord Record(int i) => new(
                VectorRecord.IdFor(creator, $"video-{i / 100}", generation, i), creator, $"video-{i / 100}", generation, i, RandomUnit(random, dimensions),
                new ChunkPayload(texts[i % texts.Count].Title, null, i * 30, (i * 30) + 30, texts[i % texts.Count].Text));

            var write = Stopwatch.StartNew();
            for (var start = 0; start < size; start += 10_000)
            {
                await store.UpsertAsync(Enumerable.Range(start, Math.Min(10_000, size - start)).Select(Record).ToList(), cancellationToken);
            }

            write.Stop();
            var cold = Stopwatch.StartNew();
            await store.SearchAsync(new VectorQuery(creator, RandomUnit(random, dimensions), 20, 0.12f, null), cancellationToken);
            cold.Stop();

            await store.UpsertAsync(Enumerable.Range(size, 100).Select(Record).ToList(), cancellationToken);
            var refresh = Stopwatch.StartNew();
            await store.SearchAsync(new VectorQuery(creator, RandomUnit(random, dimensions), 20, 0.12f, null), cancellationToken);
            refresh.Stop();

            for (var i = 0; i < 30; i++)
            {
                await store.SearchAsync(new VectorQuery(creator, RandomUnit(random, dimensions), 20, -1f, null), cancellationToken);
            }

            var latencies = new List<double>(options.Queries);
            for (var i = 0; i < options.Queries; i++)
            {
                var query = RandomUnit(random, dimensions);
                var started = Stopwatch.GetTimestamp();
                await store.SearchAsync(new VectorQuery(creator, query, 20, -1f, null), cancellationToken);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            // BM25 alone over the real questions' terms (the store's lexical list; no vector is scanned).
            var lexical = new List<double>(options.Queries);
            for (var i = 0; i < options.Queries + 20; i++)
            {
                var question = questions[i % questions.Count];
                var started = Stopwatch.GetTimestamp();
                await store.SearchAsync(
                    new VectorQuery(creator, RandomUnit(random, dimensions), 20, -1f, null) { Mode = SearchMode.Lexical, Terms = Bm25.Query(question), Fusion = search.Fusion }, cancellationToken);
                if (i >= 20)
                {
                    lexical.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }

            // A hybrid search as KnowledgeSearch runs it: embed the question, BM25 terms, store search with fusion.
            var hybrid = new List<double>(options.Queries);
            for (var i = 0; i < options.Queries + 20; i++)
            {
                var question = questions[i % questions.Count];
                var started = Stopwatch.GetTimestamp();
                var vector = await embedder.EmbedQueryAsync(question, cancellationToken);
                await store.SearchAsync(
                    new VectorQuery(creator, vector, 20, -1f, null) { Mode = SearchMode.Hybrid, Terms = Bm25.Query(question), Fusion = search.Fusion }, cancellationToken);
                if (i >= 20)
                {
                    hybrid.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            }

            Line($"| {size:N0} | {write.Elapsed.TotalSeconds:N1} s | {cold.Elapsed.TotalMilliseconds:N0} ms | {refresh.Elapsed.TotalMilliseconds:N0} ms | " +
                 $"{Ms(latencies, 50)} | {Ms(latencies, 95)} | {Ms(latencies, 99)} | {Ms(lexical, 50)} | {Ms(lexical, 99)} | {Ms(hybrid, 50)} | {Ms(hybrid, 95)} | {Ms(hybrid, 99)} |");
            Console.Out.Flush();
        }

        var queryTimes = new List<double>();
        foreach (var question in Enumerable.Range(0, 200).Select(i => $"what does the pipeline function do number {i}"))
        {
            var started = Stopwatch.GetTimestamp();
            await embedder.EmbedQueryAsync(question, cancellationToken);
            queryTimes.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        Line();
        Line($"Embedding a query with {await embedder.GetSpaceAsync(cancellationToken)}: p50 {Ms(queryTimes, 50)}, p99 {Ms(queryTimes, 99)}. " +
             $"Process working set at the end: {Environment.WorkingSet / 1048576.0:N0} MB; GC heap {GC.GetTotalMemory(false) / 1048576.0:N0} MB.");
        Line();
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static List<double> Time(int count, Random random, Action<float[]> search)
    {
        for (var i = 0; i < 60; i++)
        {
            search(RandomUnit(random));
        }

        var latencies = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var query = RandomUnit(random);
            var started = Stopwatch.GetTimestamp();
            search(query);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return latencies;
    }

    private static float[] RandomUnit(Random random, int dimensions = Dimensions)
    {
        var vector = new float[dimensions];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = (float)((random.NextDouble() * 2) - 1);
        }

        TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);
        return vector;
    }

    private static double Percentile(List<double> values, double percentile)
    {
        var sorted = values.Order().ToList();
        var index = (int)Math.Ceiling(percentile / 100 * sorted.Count) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
    }

    private static string Ms(List<double> values, double percentile) => $"{Percentile(values, percentile):0.00} ms";

    private void Line(string text = "")
    {
        _report.AppendLine(text);
        Console.WriteLine(text);
    }
}
