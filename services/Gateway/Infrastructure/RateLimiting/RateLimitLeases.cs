using System.Collections.Concurrent;

namespace CreatorChat.Gateway.Infrastructure.RateLimiting;

/// <summary>
/// The hits of fixed windows that this replica has taken from the shared counter and not yet spent (see
/// <see cref="RateLimiter.ConsumeLeasedAsync"/>), and the windows it knows to be full.
/// </summary>
public sealed class RateLimitLeases
{
    private readonly ConcurrentDictionary<string, Lease> _leases = new(StringComparer.Ordinal);

    /// <summary>How many hits one trip to the shared counter takes: a hundredth of the limit, 1 to 100.</summary>
    public static long Size(long limit) => Math.Clamp(limit / 100, 1, 100);

    /// <summary>
    /// Spends one hit of <paramref name="window"/>, taking a lease through <paramref name="take"/> (→ hits granted and
    /// the shared count after) when none is left here. Requests that find none while a trip is under way
    /// wait for that trip instead of each taking a lease they would not spend.
    /// </summary>
    /// <returns>
    /// Whether the hit passed, the shared count at the last trip, and the hits still leased here; null when
    /// <paramref name="window"/> ended while the request waited (ask again with the current window).
    /// </returns>
    public async Task<(bool Allowed, long Counted, long Left)?> SpendAsync(
        string key, string window, DateTimeOffset end, DateTimeOffset now, Func<Task<(long Granted, long Count)>> take)
    {
        var lease = Get(key, now);
        while (true)
        {
            Task trip;
            TaskCompletionSource? mine = null;
            lock (lease)
            {
                if (lease.Window != window)
                {
                    if (lease.End > end)
                    {
                        return null; // this request's window ended while it waited: the caller asks again in the current one
                    }
                    else
                    {
                        (lease.Window, lease.End, lease.Left, lease.Counted, lease.Full) = (window, end, 0, 0, false);
                    }
                }

                if (lease.Full)
                {
                    return (false, lease.Counted, 0);
                }

                if (lease.Left > 0)
                {
                    lease.Left--;
                    return (true, lease.Counted, lease.Left);
                }

                if (lease.Trip is null)
                {
                    mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    lease.Trip = mine.Task;
                }

                trip = lease.Trip;
            }

            if (mine is null)
            {
                await trip;
                continue;
            }

            try
            {
                var (granted, count) = await take();
                lock (lease)
                {
                    if (lease.Window == window)
                    {
                        lease.Counted = Math.Max(lease.Counted, count);
                        lease.Left += granted;
                        lease.Full = granted == 0; // the shared count only grows within a window: nothing more to ask for until it ends
                    }
                }
            }
            finally
            {
                lock (lease)
                {
                    lease.Trip = null;
                }

                mine.SetResult();
            }
        }
    }

    private Lease Get(string key, DateTimeOffset now)
    {
        StaleEntries.Prune(_leases, now, static (lease, now) => lease.End <= now && lease.Trip is null);
        return _leases.GetOrAdd(key, static _ => new Lease());
    }

    private sealed class Lease
    {
        public string? Window { get; set; }

        public DateTimeOffset End { get; set; }

        public long Left { get; set; }

        public long Counted { get; set; }

        public bool Full { get; set; }

        public Task? Trip { get; set; }
    }
}
