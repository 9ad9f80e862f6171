using CreatorChat.Benchmarks;

// Performance measurements, one subcommand per area. Results are printed as Markdown.
const string usage =
    """
    Usage: dotnet run -c Release --project tools/CreatorChat.Benchmarks -- <command> [options]

    Commands:
      gateway     gateway cost (direct vs through the gateway, p50/p99, requests/s) and limit exactness over 3 replicas
                  --seconds 10 --concurrency 100 --burst 300
      chat        chat turns through the gateway (offline model): turns/s and time to first token
                  --seconds 10 --videos 82 --rate 300
      hostile     malformed and hostile requests (issue 9's classes) through the gateway: counts by status, every 5xx
                  --repeat 8 --concurrency 16
      retrieval   ingestion throughput (82 caption files), embedded-store search latency and memory
                  --sizes 10000,100000,1000000   in-memory index sizes (chunks of one creator)
                  --store-sizes 10000,100000     sizes for the full store (Postgres round trips included)
                  --queries 300                  timed queries per size
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

    default:
        Console.Error.WriteLine($"Unknown command '{args[0]}'.");
        Console.Error.WriteLine(usage);
        return 2;
}
