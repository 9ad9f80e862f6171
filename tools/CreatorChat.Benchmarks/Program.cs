using CreatorChat.Benchmarks;

// Performance measurements, one subcommand per area. Results are printed as Markdown.
const string usage =
    """
    Usage: dotnet run -c Release --project tools/CreatorChat.Benchmarks -- <command> [options]

    Commands:
      gateway     gateway cost (direct, through nginx and through the gateway: p50/p99, requests/s) and limit exactness over 3 replicas
                  --seconds 10 --concurrency 100 --burst 300 --rounds 1 (mirrored rounds of all phases to average)
      chat        chat turns through the gateway (offline model): turns/s and time to first token
                  --seconds 10 --videos 82 --rate 300
      faults      fans chatting while Redis, a retrieval replica, a chat replica and Postgres are killed (replicas also
                  stopped gracefully), then frozen:
                  error rates, recovery, p99 after the first timeout, answers missing from history
                  --fans 20 --seconds 10 --targets redis,retrieval-1,chat-1,postgres
      hostile     malformed and hostile requests (issue 9's classes) through the gateway: counts by status, every 5xx
                  --repeat 8 --concurrency 16
      retrieval   ingestion throughput (82 caption files), embedded-store search latency and memory
                  --sizes 10000,100000,1000000   in-memory index sizes (chunks of one creator)
                  --store-sizes 10000,100000     sizes for the full store (Postgres round trips included)
                  --queries 300                  timed queries per size
                  --no-ingestion                 skip the 82-file ingestion (search latency and memory only)
                  --output FILE                  also write the Markdown report to FILE
      retrieval-quality  recall@1/@5 and MRR of lexical, semantic and hybrid search on the HF-course question set, and the
                  hit rate of chat's answers on the same questions
                  (tools/CreatorChat.Benchmarks/RetrievalQuality), fusion tuned and confidence fitted on its dev split
                  --models arctic-xs,minilm      offline embedding models to compare
                  --no-chat                      skip the chat answers' hit rate (asks every question through the platform)
                  --output FILE                  also write the Markdown report to FILE
    """;

if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine(usage);
    return args.Length == 0 ? 2 : 0;
}

switch (args[0])
{
    case "gateway":
        return await CreatorChat.Benchmarks.Gateway.GatewayBenchmark.RunAsync(args[1..]);

    case "hostile":
        return await CreatorChat.Benchmarks.Hostile.HostileBenchmark.RunAsync(args[1..]);

    case "chat":
        return await CreatorChat.Benchmarks.Chat.ChatBenchmark.RunAsync(args[1..]);

    case "faults":
        return await CreatorChat.Benchmarks.Faults.FaultsBenchmark.RunAsync(args[1..]);

    case "retrieval":
        var options = RetrievalBenchmark.Options.Parse(args[1..]);
        if (options is null)
        {
            Console.Error.WriteLine(usage);
            return 2;
        }

        using (var cancel = new CancellationTokenSource())
        {
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                cancel.Cancel();
            };
            return await new RetrievalBenchmark(options).RunAsync(cancel.Token);
        }

    case "retrieval-quality":
        using (var cancel = new CancellationTokenSource())
        {
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                cancel.Cancel();
            };
            return await CreatorChat.Benchmarks.RetrievalQuality.RetrievalQualityBenchmark.RunAsync(args[1..], cancel.Token);
        }

    default:
        Console.Error.WriteLine($"Unknown command '{args[0]}'.");
        Console.Error.WriteLine(usage);
        return 2;
}
