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
        foreach (var setting in (System.Environment.GetEnvironmentVariable(SettingsVariable) ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var (key, value) = (setting.Split('=', 2)[0], setting.Split('=', 2).ElementAtOrDefault(1) ?? "");
            environment[key] = value;
            Console.WriteLine($"  every service gets {key}={value} ({SettingsVariable})");
        }

        return AspirePlatform.StartAsync(new AspirePlatformOptions
        {
            Environment = "Production",
            Replicas = replicas ?? new Dictionary<string, int>(),
            ExtraEnvironment = environment,
        }, CancellationToken.None);
    }

    /// <summary>
    /// Settings for every service of the platform, <c>Key=Value;Key=Value</c> (e.g. <c>Retrieval__Embeddings__Model=lexical</c>
    /// to measure with the model an older build had).
    /// </summary>
    public const string SettingsVariable = "BENCHMARK_SERVICE_SETTINGS";

    public static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;
    }
}
