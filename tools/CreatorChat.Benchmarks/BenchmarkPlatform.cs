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
        return AspirePlatform.StartAsync(new AspirePlatformOptions
        {
            Environment = "Production",
            Replicas = replicas ?? new Dictionary<string, int>(),
            ExtraEnvironment = new Dictionary<string, string>
            {
                ["Logging__LogLevel__Default"] = "Warning",
                ["RateLimits__ApiRequestsPerMinute"] = "100000000",
                ["RateLimits__RegistrationsPerIpPerHour"] = "100000",
                ["RateLimits__LoginPerIpPerMinute"] = "100000",
            },
        }, CancellationToken.None);
    }

    public static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;
    }
}
