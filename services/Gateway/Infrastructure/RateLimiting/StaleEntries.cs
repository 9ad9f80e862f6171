using System.Collections.Concurrent;

namespace CreatorChat.Gateway.Infrastructure.RateLimiting;

/// <summary>How the per-replica counters and leases stay bounded: once a map holds many keys, the ended ones go.</summary>
internal static class StaleEntries
{
    public const int PruneAbove = 50_000;

    /// <param name="stale">Whether an entry has ended by <paramref name="now"/> (static: this runs on every request).</param>
    public static void Prune<T>(ConcurrentDictionary<string, T> entries, DateTimeOffset now, Func<T, DateTimeOffset, bool> stale)
    {
        if (entries.Count <= PruneAbove)
        {
            return;
        }

        foreach (var (key, entry) in entries)
        {
            if (stale(entry, now))
            {
                entries.TryRemove(key, out _);
            }
        }
    }
}
