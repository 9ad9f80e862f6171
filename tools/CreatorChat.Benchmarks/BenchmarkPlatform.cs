using System.Globalization;
using CreatorChat.Testing;

namespace CreatorChat.Benchmarks;

/// <summary>What the platform benchmarks share: the platform started through the AppHost, and their command-line options.</summary>
public static class BenchmarkPlatform
{
    /// <summary>
    /// Every service as a real process (the benchmark's build configuration) in Production mode on free loopback ports, with throwaway
    /// data. The rate limiter still runs on every request (its cost is part of what is measured), but
    /// its floors are raised so that it never refuses the benchmark's own load.
    /// </summary>
    public static Task<AspirePlatform> StartAsync(string label, IReadOnlyDictionary<string, int>? replicas = null)
    {
        Console.WriteLine($"Starting the platform ({BuildInfo.Configuration}) through the AppHost for the {label} benchmark …");
        var environment = new Dictionary<string, string>
        {
            ["Logging__LogLevel__Default"] = "Warning",
            ["RateLimits__ApiRequestsPerMinute"] = "100000000",
            ["RateLimits__RegistrationsPerIpPerHour"] = "100000",
            ["RateLimits__LoginPerIpPerMinute"] = "100000",
        };
        foreach (var (key, value) in Pairs(SettingsVariable))
        {
            environment[key] = value;
            Console.WriteLine($"  every service gets {key}={value} ({SettingsVariable})");
        }

        var counts = new Dictionary<string, int>(replicas ?? new Dictionary<string, int>());
        foreach (var (service, value) in Pairs(ReplicasVariable))
        {
            if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) || count < 1)
            {
                throw new ArgumentException($"{ReplicasVariable}: '{service}={value}' is not service=count.");
            }

            counts[service] = count;
            Console.WriteLine($"  {service} runs {count} replica(s) ({ReplicasVariable})");
        }

        return AspirePlatform.StartAsync(new AspirePlatformOptions
        {
            Environment = "Production",
            Replicas = counts,
            ExtraEnvironment = environment,
        }, CancellationToken.None);
    }

    /// <summary>
    /// Settings for every service of the platform, <c>Key=Value;Key=Value</c> (e.g. <c>Retrieval__Embeddings__Model=lexical</c>
    /// to measure with the model an older build had).
    /// </summary>
    public const string SettingsVariable = "BENCHMARK_SERVICE_SETTINGS";

    /// <summary>
    /// Replicas per service, <c>service=count;service=count</c>, over the benchmark's own choice and the AppHost's
    /// defaults (e.g. <c>chat=1;retrieval=1</c> to compare with a build that ran one of each).
    /// </summary>
    public const string ReplicasVariable = "BENCHMARK_REPLICAS";

    /// <summary>The <c>Key=Value;Key=Value</c> pairs of an environment variable (a pair without '=' has an empty value).</summary>
    private static IEnumerable<(string Key, string Value)> Pairs(string variable) =>
        (System.Environment.GetEnvironmentVariable(variable) ?? "")
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(parts => (parts[0], parts.ElementAtOrDefault(1) ?? ""));

    public static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;
    }
}
