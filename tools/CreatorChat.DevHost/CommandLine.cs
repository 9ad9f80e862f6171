using System.Globalization;
using CreatorChat.DevHost.Infrastructure;

namespace CreatorChat.DevHost;

internal static class CommandLine
{
    public const string Usage =
        """
        Usage: run.sh [--data DIR] [--replicas SERVICE=N]... [--no-seed]
          --data DIR            where Postgres, Redis and logs live (default: .localrun)
          --replicas chat=2     run several replicas of a service (as the AppHost does for chat and retrieval)
          --no-seed             do not create the demo creator
        """;

    public static RunArguments? Parse(string[] args, string repositoryRoot)
    {
        var data = Path.Combine(repositoryRoot, ".localrun");
        var replicas = new Dictionary<string, int>(StringComparer.Ordinal);
        var seed = true;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--data" when i + 1 < args.Length:
                    data = Path.GetFullPath(args[++i]);
                    break;
                case "--replicas" when i + 1 < args.Length && args[i + 1].Split('=') is [var name, var count]
                                                             && int.TryParse(count, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 8:
                    replicas[name] = n;
                    i++;
                    break;
                case "--no-seed":
                    seed = false;
                    break;
                default:
                    return null;
            }
        }

        return new RunArguments { RepositoryRoot = repositoryRoot, DataFolder = data, Replicas = replicas, Seed = seed };
    }
}

internal sealed record RunArguments : PlatformOptions
{
    public bool Seed { get; init; } = true;
}
