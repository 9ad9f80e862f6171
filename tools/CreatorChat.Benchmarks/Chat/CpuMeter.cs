using System.Globalization;
using CreatorChat.Testing;

namespace CreatorChat.Benchmarks.Chat;

/// <summary>
/// CPU seconds used by each part of the local platform (and the load generator) between two
/// snapshots, from /proc: where a turn's cost goes. Linux only; empty elsewhere.
/// </summary>
public sealed class CpuMeter(AspirePlatform platform)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public Dictionary<string, double> Snapshot()
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        if (!OperatingSystem.IsLinux())
        {
            return result;
        }

        var all = Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(n => n!.All(char.IsDigit)).Select(n => int.Parse(n!, CultureInfo.InvariantCulture)).ToList();
        var parents = new Dictionary<int, int>();
        var cpu = new Dictionary<int, double>();
        foreach (var pid in all)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
                cpu[pid] = (double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // The process ended meanwhile.
            }
        }

        double Tree(int root) => cpu.Where(p => p.Key == root || IsDescendant(p.Key, root, parents)).Sum(p => p.Value);

        foreach (var process in platform.Processes)
        {
            result[process.Name] = Tree(process.Id);
        }

        var postmaster = platform.DataFolder is { } data ? Path.Combine(data, "postgres", "pgdata", "postmaster.pid") : "";
        if (File.Exists(postmaster) && int.TryParse(File.ReadLines(postmaster).First(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pg))
        {
            result["postgres"] = Tree(pg);
        }

        var redisPort = platform.RedisConnectionString.Split(':').Last();
        foreach (var pid in all)
        {
            try
            {
                var cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
                if (cmdline.StartsWith("redis-server", StringComparison.Ordinal) || cmdline.Contains("/redis-server", StringComparison.Ordinal))
                {
                    if (cmdline.Contains(":" + redisPort, StringComparison.Ordinal) || cmdline.Contains(redisPort, StringComparison.Ordinal))
                    {
                        result["redis"] = cpu.GetValueOrDefault(pid);
                    }
                }
            }
            catch (IOException)
            {
            }
        }

        result["load generator"] = cpu.GetValueOrDefault(Environment.ProcessId); // its children are the platform, counted above
        return result;
    }

    private static bool IsDescendant(int pid, int root, Dictionary<int, int> parents)
    {
        for (var depth = 0; depth < 16 && parents.TryGetValue(pid, out var parent) && parent > 1; depth++)
        {
            if (parent == root)
            {
                return true;
            }

            pid = parent;
        }

        return false;
    }

    public static string Describe(Dictionary<string, double> before, Dictionary<string, double> after, int turns)
    {
        var parts = after.Where(a => before.ContainsKey(a.Key))
            .Select(a => (Name: a.Key, Seconds: a.Value - before[a.Key]))
            .Where(p => p.Seconds > 0)
            .OrderByDescending(p => p.Seconds)
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name} {p.Seconds / Math.Max(1, turns) * 1000:0.00}"));
        return string.Join(", ", parts);
    }
}
