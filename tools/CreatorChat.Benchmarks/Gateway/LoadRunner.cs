using System.Diagnostics;

namespace CreatorChat.Benchmarks.Gateway;

/// <summary>A closed-loop load: N workers each sending the next request as soon as the last answered.</summary>
public static class LoadRunner
{
    public sealed record Result(string Name, long Requests, long Errors, double Seconds, double P50Ms, double P99Ms)
    {
        public double RequestsPerSecond => Requests / Seconds;
    }

    public static async Task<Result> RunAsync(string name, int concurrency, TimeSpan warmup, TimeSpan duration, Func<CancellationToken, Task<bool>> send)
    {
        using (var warm = new CancellationTokenSource(warmup))
        {
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => LoopAsync(send, null, warm.Token)));
        }

        var samples = new List<double>[concurrency];
        var errors = new long[concurrency];
        var clock = Stopwatch.StartNew();
        using (var run = new CancellationTokenSource(duration))
        {
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(i =>
            {
                samples[i] = new List<double>(4096);
                return LoopAsync(send, (ms, ok) =>
                {
                    samples[i].Add(ms);
                    if (!ok)
                    {
                        errors[i]++;
                    }
                }, run.Token);
            }));
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var all = samples.SelectMany(s => s).Order().ToArray();
        return new Result(name, all.Length, errors.Sum(), seconds, Percentile(all, 0.50), Percentile(all, 0.99));
    }

    private static async Task LoopAsync(Func<CancellationToken, Task<bool>> send, Action<double, bool>? record, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            bool ok;
            try
            {
                ok = await send(CancellationToken.None);
            }
            catch (HttpRequestException)
            {
                ok = false;
            }

            record?.Invoke(Stopwatch.GetElapsedTime(started).TotalMilliseconds, ok);
        }
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
