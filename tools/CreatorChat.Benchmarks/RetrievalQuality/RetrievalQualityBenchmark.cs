// Over 300 lines on purpose: the evaluation of all three methods and of chat on one question set, with its report, read top to bottom as the run happens.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using CreatorChat.Retrieval.Infrastructure.Embeddings;
using CreatorChat.Retrieval.Infrastructure.Search;
using CreatorChat.Retrieval.Infrastructure.VectorStores;
using CreatorChat.Retrieval.Model.Search;
using CreatorChat.Retrieval.Model.Text;
using CreatorChat.ServiceDefaults.Data;
using CreatorChat.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CreatorChat.Benchmarks.RetrievalQuality;

/// <summary>A passage that answers a question: the video and the seconds where the answer is said.</summary>
public sealed record GoldPassage(string VideoId, double Start, double End);

/// <summary>One line of hf-course-questions.tsv; no gold passage means no video covers the question.</summary>
public sealed record QualityQuestion(string Split, IReadOnlyList<GoldPassage> Gold, string Question)
{
    public bool Covered => Gold.Count > 0;

    /// <summary>A result answers the question when it is a gold video and its time span overlaps the gold span.</summary>
    public bool IsAnsweredBy(string videoId, double start, double end) =>
        Gold.Any(g => g.VideoId == videoId && start < g.End && end > g.Start);
}

/// <summary>
/// Search quality on the HF-course question set (tools/CreatorChat.Benchmarks/RetrievalQuality/hf-course-questions.tsv):
/// the 82 caption files go through the service's own job path (chunk, embed with the model, store), then every
/// question is searched lexically, semantically and hybrid; recall@1, recall@5 and MRR@10 per split. On the dev split
/// only, the rank fusion is tuned (grid over K and the semantic weight) and the confidence model fitted (logistic
/// regression of "the top passage answers it" on its similarity and coverage; out-of-scope questions are negatives);
/// the held-out split reports how both generalise. Then every question goes through a local platform's chat API (the
/// AppHost, offline models; <c>--no-chat</c> skips it), and the share of answers that cite a gold passage is printed
/// beside recall@1/@5 and MRR (uncovered questions separately: answered without a citation).
/// </summary>
public static class RetrievalQualityBenchmark
{
    private static readonly SearchMode[] Modes = [SearchMode.Lexical, SearchMode.Semantic, SearchMode.Hybrid];

    public static string QuestionsPath { get; } =
        Path.Combine(BuildInfo.FindRepositoryRoot(), "tools", "CreatorChat.Benchmarks", "RetrievalQuality", "hf-course-questions.tsv");

    public static IReadOnlyList<QualityQuestion> LoadQuestions()
    {
        var questions = new List<QualityQuestion>();
        foreach (var line in File.ReadLines(QuestionsPath).Where(l => l.Length > 0 && !l.StartsWith('#')).Skip(1))
        {
            var fields = line.Split('\t');
            var gold = fields[1] == "-" ? [] : fields[1].Split(';').Select(g =>
            {
                var at = g.LastIndexOf('@');
                var span = g[(at + 1)..].Split('-');
                return new GoldPassage(g[..at], double.Parse(span[0], CultureInfo.InvariantCulture), double.Parse(span[1], CultureInfo.InvariantCulture));
            }).ToList();
            questions.Add(new QualityQuestion(fields[0], gold, fields[2]));
        }

        return questions;
    }

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var models = (Value(args, "--models") ?? "arctic-xs,minilm").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var output = Value(args, "--output");
        var report = new StringBuilder();
        void Line(string text = "")
        {
            report.AppendLine(text);
            Console.WriteLine(text);
        }

        var subtitles = BuildInfo.CourseEnglishCaptionsFolder;
        if (!Directory.Exists(subtitles))
        {
            Console.Error.WriteLine($"The caption files are not at {subtitles}.");
            return 1;
        }

        var files = RetrievalBenchmark.ReadCaptionFiles(subtitles);
        var questions = LoadQuestions();
        var covered = questions.Where(q => q.Covered).ToList();
        Line("# Retrieval quality (HF course)");
        Line();
        Line($"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC · {Environment.ProcessorCount} logical CPUs · load average at start: {LoadAverage()} · " +
             $"{covered.Count} questions with a gold passage (dev {covered.Count(q => q.Split == "dev")}, held-out test {covered.Count(q => q.Split == "test")}), " +
             $"{questions.Count - covered.Count} that no video covers · {files.Count} videos.");
        Line();

        var folder = Path.Combine(Path.GetTempPath(), "creatorchat-bench", "quality-" + Guid.NewGuid().ToString("N")[..8]);
        await using var postgres = await LocalPostgres.StartAsync(Path.Combine(folder, "postgres"), FreePort.Next(), ephemeral: true, cancellationToken);
        await using var redis = await LocalRedis.StartAsync(Path.Combine(folder, "redis"), FreePort.Next(), persistent: false, cancellationToken);
        var rankings = new Dictionary<string, Dictionary<SearchMode, List<(QualityQuestion Question, int Rank)>>>();
        try
        {
            foreach (var model in models)
            {
                // A database per model: in a shared one, the second model's space would only be re-embedded into while search
                // kept answering from the first model's vectors, and its figures would be the first model's.
                using var host = RetrievalBenchmark.BuildHost(postgres.ConnectionString("retrievaldb_" + model.Replace('-', '_')), redis.ConnectionString, new Dictionary<string, string?>
                {
                    ["Retrieval:Embeddings:Model"] = model,
                    ["Retrieval:VectorStore:Collection"] = "chunks-" + model,
                });
                await host.Services.GetRequiredService<SchemaMigrator>().MigrateAsync(cancellationToken);
                rankings[model] = await EvaluateModelAsync(host.Services, model, files, questions, Line, cancellationToken);
            }
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

        // Chat runs the platform's defaults: the default offline model, hybrid search. Its hit rate goes beside that row.
        var chatModel = rankings.ContainsKey(EmbeddingOptions.DefaultOfflineModel) ? EmbeddingOptions.DefaultOfflineModel : rankings.Keys.First();
        var chat = args.Contains("--no-chat") ? null : await MeasureChatAsync(subtitles, files.Count, questions, Line);
        Line($"## Summary ({chatModel}; chat: answers through the gateway with the offline chat model, hybrid search)");
        Line();
        Line("Chat hit rate: the answer cites a gold passage (its video, at a second inside the gold time range's passage); for questions no video covers, it answers without citing.");
        Line();
        Line("| method | dev recall@1 | dev recall@5 | dev MRR@10 | dev chat hit rate | test recall@1 | test recall@5 | test MRR@10 | test chat hit rate |");
        Line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var mode in Modes)
        {
            string Chat(string split) => mode == SearchMode.Hybrid && chat is not null ? chat[split] : "—";
            Line($"| {mode.ToString().ToLowerInvariant()} | {Metrics(rankings[chatModel][mode], "dev")} | {Chat("dev")} | {Metrics(rankings[chatModel][mode], "test")} | {Chat("test")} |");
        }

        Line();

        Line($"Load average at the end: {LoadAverage()}.");
        if (output is not null)
        {
            await File.WriteAllTextAsync(output, report.ToString(), cancellationToken);
        }

        return 0;
    }

    private static async Task<Dictionary<SearchMode, List<(QualityQuestion Question, int Rank)>>> EvaluateModelAsync(
        IServiceProvider services, string model, List<RetrievalBenchmark.CaptionFile> files, IReadOnlyList<QualityQuestion> questions,
        Action<string> line, CancellationToken cancellationToken)
    {
        var creator = "hf-" + model;
        var load = LoadAverage();
        var (_, ingestion) = await RetrievalBenchmark.IngestAsync(services, creator, files, cancellationToken);
        var search = services.GetRequiredService<KnowledgeSearch>();
        var options = services.GetRequiredService<SearchOptions>();
        var space = await services.GetRequiredService<Embedder>().GetSpaceAsync(cancellationToken);
        line($"## {space}");
        line("");
        line($"Ingestion of the {files.Count} files through the job path: {ingestion.TotalSeconds:N1} s (load average before {load}, after {LoadAverage()}).");
        line("");

        // Warm-up (JIT, partition load, model).
        await search.SearchAsync(creator, "warm up", 10, SearchMode.Hybrid, cancellationToken);

        var ranks = new Dictionary<SearchMode, List<(QualityQuestion Question, int Rank)>>();
        var latencies = new List<double>();
        var top = new List<(QualityQuestion Question, SearchResult? Best, bool Hit)>();
        foreach (var mode in Modes)
        {
            ranks[mode] = [];
            foreach (var question in questions)
            {
                var started = Stopwatch.GetTimestamp();
                var outcome = await search.SearchAsync(creator, question.Question, 10, mode, cancellationToken);
                if (mode == SearchMode.Hybrid)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    var best = outcome.Results.Count > 0 ? outcome.Results[0] : null;
                    top.Add((question, best, best is not null && question.IsAnsweredBy(best.VideoId, best.StartSeconds, best.EndSeconds)));
                }

                if (question.Covered)
                {
                    ranks[mode].Add((question, RankOf(question, outcome.Results.Select(r => (r.VideoId, r.StartSeconds, r.EndSeconds)))));
                }
            }
        }

        line($"Defaults: {options.Fusion}; hybrid search over {files.Count} videos incl. query embedding: p50 {Percentile(latencies, 50):0.0} ms, p99 {Percentile(latencies, 99):0.0} ms.");
        line("");
        line("| method | dev recall@1 | dev recall@5 | dev MRR@10 | test recall@1 | test recall@5 | test MRR@10 |");
        line("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var mode in Modes)
        {
            line($"| {mode.ToString().ToLowerInvariant()} | {Metrics(ranks[mode], "dev")} | {Metrics(ranks[mode], "test")} |");
        }

        line("");
        await TuneFusionAsync(services, creator, questions, options.Fusion, line, cancellationToken);
        await CalibrateAsync(services.GetRequiredService<Embedder>(), top, options.Confidence, line, cancellationToken);
        return ranks;
    }

    /// <summary>Grid search of the fusion on the dev split, from the same two ranked lists the store fuses.</summary>
    private static async Task TuneFusionAsync(
        IServiceProvider services, string creator, IReadOnlyList<QualityQuestion> questions, RankFusion current, Action<string> line, CancellationToken cancellationToken)
    {
        var store = (await services.GetRequiredService<VectorSpaceCatalog>().GetAsync(cancellationToken)).Active.Store;
        var embedder = services.GetRequiredService<Embedder>();
        var repository = services.GetRequiredService<CreatorChat.Retrieval.Infrastructure.Data.VideoRepository>();
        var generations = (await repository.ActiveGenerationsAsync(creator, cancellationToken)).ToHashSet();
        var lists = new List<(QualityQuestion Question, IReadOnlyList<VectorMatch> Semantic, IReadOnlyList<VectorMatch> Lexical)>();
        const int limit = 35; // what KnowledgeSearch asks the store for at k = 10
        foreach (var question in questions.Where(q => q.Covered))
        {
            var vector = await embedder.EmbedQueryAsync(question.Question, cancellationToken);
            var query = new VectorQuery(creator, vector, current.Depth(limit), -1f, generations) { Terms = Bm25.Query(question.Question) };
            lists.Add((question,
                await store.SearchAsync(query with { Mode = SearchMode.Semantic }, cancellationToken),
                await store.SearchAsync(query with { Mode = SearchMode.Lexical }, cancellationToken)));
        }

        if (Environment.GetEnvironmentVariable("CREATORCHAT_QUALITY_DUMP") is { Length: > 0 } dump)
        {
            // Both candidate lists of every question, for analysing fusions offline (one JSON object per line).
            await File.WriteAllLinesAsync(dump, lists.SelectMany((l, q) => new[] { ("semantic", l.Semantic), ("lexical", l.Lexical) }.SelectMany(list =>
                list.Item2.Select((m, rank) => System.Text.Json.JsonSerializer.Serialize(new
                {
                    split = l.Question.Split, q, list = list.Item1, rank = rank + 1, id = m.Id, video = m.VideoId, start = m.Payload.StartSeconds,
                    end = m.Payload.EndSeconds, hit = l.Question.IsAnsweredBy(m.VideoId, m.Payload.StartSeconds, m.Payload.EndSeconds),
                    similarity = m.Similarity, score = m.Score, text = m.Payload.Text.GetHashCode(StringComparison.Ordinal),
                })))), cancellationToken);
        }

        List<(QualityQuestion, int)> Evaluate(RankFusion fusion) => lists.Select(l =>
        {
            var byId = l.Semantic.Concat(l.Lexical).GroupBy(m => m.Id).ToDictionary(g => g.Key, g => g.First());
            var lexical = l.Lexical.Take(fusion.Depth(limit)).ToList();
            var fused = fusion.Fuse(
                    l.Semantic.Take(fusion.Depth(limit)).Select(m => m.Id).ToList(), lexical.Select(m => m.Id).ToList(), lexical.Select(m => m.Score).ToList(),
                    id => byId[id].Similarity)
                .Select(f => byId[f.Key] with { Score = f.Value }).OrderByDescending(m => m.Score).ThenByDescending(m => m.Similarity).ThenBy(m => m.Id);
            var results = SearchResults.Deduplicate(fused, 10);
            return (l.Question, RankOf(l.Question, results.Select(r => (r.VideoId, r.Payload.StartSeconds, r.Payload.EndSeconds))));
        }).ToList();

        var grid = new List<(RankFusion Fusion, double Mrr, double Recall1)>();
        var settings = new[] { 1, 3, 5, 10, 20, 40, 60 }.Select(k => current with { Method = FusionMethod.Ranks, K = k })
            .Append(current with { Method = FusionMethod.Scores });
        foreach (var setting in settings)
        {
            foreach (var weight in new[] { 0.5f, 0.75f, 1f, 1.25f, 1.5f, 2f })
            {
                var fusion = setting with { SemanticWeight = weight, LexicalWeight = 1f };
                var dev = Evaluate(fusion).Where(r => r.Item1.Split == "dev").ToList();
                grid.Add((fusion, dev.Average(r => r.Item2 > 0 ? 1.0 / r.Item2 : 0), dev.Average(r => r.Item2 == 1 ? 1.0 : 0)));
            }
        }

        var best = grid.OrderByDescending(g => Math.Round(g.Mrr, 3)).ThenByDescending(g => g.Recall1).ThenBy(g => Math.Abs(g.Fusion.K - 20)).First();
        var tuned = Evaluate(best.Fusion);
        line($"Fusion tuned on dev ({grid.Count} settings): best {best.Fusion} → dev {Metrics(tuned, "dev")}; held-out test {Metrics(tuned, "test")} " +
             $"(the defaults: dev {Metrics(Evaluate(current), "dev")}; test {Metrics(Evaluate(current), "test")}).");
        line("");
    }

    /// <summary>Fits the confidence model on dev (a video covers the question = 1, no video does = 0) and checks it on test.</summary>
    private static async Task CalibrateAsync(
        Embedder embedder, List<(QualityQuestion Question, SearchResult? Best, bool Hit)> top, SearchConfidence current, Action<string> line, CancellationToken cancellationToken)
    {
        // The two features of the top passage, as KnowledgeSearch computes them (the stored vector embeds title + text).
        var samples = new List<(string Split, double Similarity, double Coverage, double Label, bool Hit)>();
        foreach (var (question, best, hit) in top.Where(t => t.Best is not null))
        {
            var payload = new ChunkPayload(best!.Title, null, best.StartSeconds, best.EndSeconds, best.Text);
            var passage = (await embedder.EmbedAsync([CreatorChat.Retrieval.Infrastructure.Ingestion.IngestionProcessor.EmbeddingText(best.Title, best.Text)], cancellationToken))[0];
            var similarity = System.Numerics.Tensors.TensorPrimitives.Dot(await embedder.EmbedQueryAsync(question.Question, cancellationToken), passage);
            var coverage = SearchConfidence.CoverageOf(LexicalAnalyzer.ContentTerms(question.Question).Distinct(StringComparer.Ordinal).ToList(), payload);
            // The decision chat makes on it: do the videos cover the question at all (a wrong top passage of a covered
            // question is a ranking miss, not "not covered"), so the label is coverage; the hit rate is reported beside it.
            samples.Add((question.Split, similarity, coverage, question.Covered ? 1.0 : 0.0, hit));
        }

        var dev = samples.Where(s => s.Split == "dev").ToList();
        double a = 0, b = 0, c = 0;
        var positives = dev.Count(s => s.Label == 1);
        for (var epoch = 0; epoch < 20_000; epoch++)
        {
            double ga = 0, gb = 0, gc = 0;
            foreach (var s in dev)
            {
                // Classes balanced: the prior "as many uncovered questions as covered ones" puts the decision at 0.5.
                var weight = s.Label == 1 ? dev.Count / (2.0 * positives) : dev.Count / (2.0 * (dev.Count - positives));
                var p = 1 / (1 + Math.Exp(-(a + (b * s.Similarity) + (c * s.Coverage))));
                ga += weight * (p - s.Label);
                gb += weight * (p - s.Label) * s.Similarity;
                gc += weight * (p - s.Label) * s.Coverage;
            }

            const double rate = 0.5;
            a -= rate * ga / dev.Count;
            b -= rate * ((gb / dev.Count) + (1e-3 * b));
            c -= rate * ((gc / dev.Count) + (1e-3 * c));
        }

        var fitted = new SearchConfidence(Math.Round(a, 2), Math.Round(b, 2), Math.Round(c, 2));
        line($"Confidence fitted on dev: {fitted} (in use: {current}).");
        foreach (var (name, model) in new[] { ("in use", current), ("fitted", fitted) })
        {
            foreach (var split in new[] { "dev", "test" })
            {
                var set = samples.Where(s => s.Split == split).ToList();
                var p = set.Select(s => (s, P: model.Estimate(s.Similarity, s.Coverage))).ToList();
                var covered = p.Where(x => x.s.Label == 1).ToList();
                var uncovered = p.Where(x => x.s.Label == 0).ToList();
                var brier = p.Average(x => Math.Pow(x.P - x.s.Label, 2));
                line($"- {name}, {split}: covered questions → confidence ≥ 0.5 for {covered.Count(x => x.P >= 0.5)}/{covered.Count} " +
                     $"(top passage right: {covered.Count(x => x.s.Hit && x.P >= 0.5)}/{covered.Count(x => x.s.Hit)}); " +
                     $"uncovered → < 0.5 for {uncovered.Count(x => x.P < 0.5)}/{uncovered.Count}; mean confidence covered {Mean(covered.Select(x => x.P)):0.00}, " +
                     $"uncovered {Mean(uncovered.Select(x => x.P)):0.00}; mean similarity covered {Mean(covered.Select(x => x.s.Similarity)):0.000}, " +
                     $"uncovered {Mean(uncovered.Select(x => x.s.Similarity)):0.000}; Brier {brier:0.000}.");
            }
        }

        line("");
    }

    /// <summary>
    /// Every question through a local platform's chat API (offline model, the service's defaults): an answer hits when
    /// one of its citations is a gold passage; an uncovered question is right when the answer cites nothing ("not covered").
    /// </summary>
    /// <summary>Every question through the platform's chat API; per split, "hits/questions (rate)" over all of its questions.</summary>
    private static async Task<Dictionary<string, string>> MeasureChatAsync(string captions, int videos, IReadOnlyList<QualityQuestion> questions, Action<string> line)
    {
        await using var platform = await BenchmarkPlatform.StartAsync("quality");
        using var http = new HttpClient { BaseAddress = platform.GatewayUrl, Timeout = TimeSpan.FromSeconds(120) };
        var admin = await Chat.ChatBenchmark.LoginAsync(http, platform.AdminEmail, platform.AdminPassword);
        await Chat.ChatBenchmark.SetUpCreatorAsync(http, admin, captions, videos);
        var fan = (await Chat.ChatBenchmark.RegisterUsersAsync(http, admin, 1))[0];

        var outcomes = new List<(QualityQuestion Question, bool Right)>();
        var misses = new List<string>();
        foreach (var question in questions)
        {
            var answer = await Chat.ChatBenchmark.SendAsync(http, HttpMethod.Post, "/api/v1/chat", fan,
                new { creator_id = Chat.ChatBenchmark.Slug, message = question.Question });
            var citations = answer["citations"]?.AsArray() ?? [];
            var right = question.Covered
                ? citations.Any(c => question.IsAnsweredBy( // a citation gives the second its passage starts; passages last under 90 s
                    c!["video_id"]!.GetValue<string>(), c["start_seconds"]!.GetValue<double>(), c["start_seconds"]!.GetValue<double>() + 90))
                : citations.Count == 0;
            outcomes.Add((question, right));
            if (!right)
            {
                misses.Add($"- {question.Split}: \"{question.Question}\" (gold {string.Join(", ", question.Gold.Select(g => $"{g.VideoId}@{g.Start:0}-{g.End:0}"))}) → cited " +
                           (citations.Count == 0 ? "nothing" : string.Join(", ", citations.Select(c => $"{c!["video_id"]}@{c["start_seconds"]!.GetValue<double>():0}"))));
            }
        }

        line("## Chat answers (through the gateway, offline model)");
        line("");
        var rates = new Dictionary<string, string>();
        foreach (var split in new[] { "dev", "test" })
        {
            var covered = outcomes.Where(o => o.Question.Split == split && o.Question.Covered).ToList();
            var uncovered = outcomes.Where(o => o.Question.Split == split && !o.Question.Covered).ToList();
            line($"- {split}: answer cites a gold passage for {covered.Count(o => o.Right)}/{covered.Count} ({covered.Average(o => o.Right ? 1.0 : 0):0.000}); " +
                 $"uncovered questions answered \"not covered\" (no citation) {uncovered.Count(o => o.Right)}/{uncovered.Count}.");
            rates[split] = string.Create(CultureInfo.InvariantCulture, $"{covered.Average(o => o.Right ? 1.0 : 0):0.000} ({covered.Count(o => o.Right)}/{covered.Count})");
        }

        line("");
        line("Misses (what the answer cited instead):");
        line("");
        misses.ForEach(line);
        line("");
        return rates;
    }

    private static double Mean(IEnumerable<double> values) => values.DefaultIfEmpty(double.NaN).Average();

    private static int RankOf(QualityQuestion question, IEnumerable<(string VideoId, double Start, double End)> results)
    {
        var rank = 0;
        foreach (var (video, start, end) in results)
        {
            rank++;
            if (question.IsAnsweredBy(video, start, end))
            {
                return rank;
            }
        }

        return 0;
    }

    private static string Metrics(List<(QualityQuestion Question, int Rank)> ranks, string split)
    {
        var set = ranks.Where(r => r.Question.Split == split).ToList();
        var r1 = set.Average(r => r.Rank == 1 ? 1.0 : 0);
        var r5 = set.Average(r => r.Rank is >= 1 and <= 5 ? 1.0 : 0);
        var mrr = set.Average(r => r.Rank > 0 ? 1.0 / r.Rank : 0);
        return string.Create(CultureInfo.InvariantCulture, $"{r1:0.000} | {r5:0.000} | {mrr:0.000}");
    }

    private static double Percentile(List<double> values, double percentile)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private static string? Value(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
