using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CreatorChat.AppHost.Lifecycle;

/// <summary>
/// Stops every process the AppHost started, databases cleanly, within <see cref="Budget"/> of Ctrl+C or SIGTERM, and
/// returns only when they are gone. Left to DCP, every process is interrupted at once, and Postgres's own answer to
/// SIGTERM is a "smart" shutdown that waits for its clients; SIGTERM here is what the services stop on and what the
/// Postgres wrapper turns into a fast shutdown (and what a <c>dotnet run</c> launcher, which ignores SIGINT, would
/// forward). The services go first and the databases after them, so no service spends its shutdown retrying a
/// database that is already gone. Anything still running at the deadline is left to DCP.
/// </summary>
internal sealed class GracefulShutdown(ResourceNotificationService notifications, ILogger<GracefulShutdown> logger, TimeProvider time)
    : BackgroundService
{
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(8);

    private readonly ConcurrentDictionary<string, (int Pid, bool IsService)> _processes = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(stoppingToken))
            {
                var pid = update.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value;
                if (pid is not null && int.TryParse(Convert.ToString(pid, CultureInfo.InvariantCulture), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
                {
                    _processes[update.ResourceId] = (id, update.Resource is ProjectResource);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        var started = time.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Budget);
        // The host may stop twice (Run's stop, then dispose): the second time there is nothing left to stop.
        var processes = _processes.Where(p => IsAlive(p.Value.Pid)).ToArray();
        var stopped = await StopAsync(processes.Where(p => p.Value.IsService), deadline.Token)
            && await StopAsync(processes.Where(p => !p.Value.IsService), deadline.Token);
        if (stopped && processes.Length > 0)
        {
            logger.LogInformation("All {Count} processes stopped in {Seconds:0.0} s", processes.Length, time.GetElapsedTime(started).TotalSeconds);
        }
    }

    private async Task<bool> StopAsync(IEnumerable<KeyValuePair<string, (int Pid, bool IsService)>> processes, CancellationToken deadline)
    {
        var running = processes.Where(p => IsAlive(p.Value.Pid)).ToList();
        if (running.Count == 0)
        {
            return true;
        }

        logger.LogInformation("Stopping {Resources}", string.Join(", ", running.Select(p => p.Key).Order()));
        await SignalAsync(running.Select(p => p.Value.Pid), deadline);
        try
        {
            while (running.Any(p => IsAlive(p.Value.Pid)))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), time, deadline);
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("Still running after {Seconds:0} s, left to the orchestrator: {Resources}",
                Budget.TotalSeconds, string.Join(", ", running.Where(p => IsAlive(p.Value.Pid)).Select(p => p.Key).Order()));
            return false;
        }
    }

    private async Task SignalAsync(IEnumerable<int> pids, CancellationToken cancellationToken)
    {
        // kill(1) rather than P/Invoke: one process for all of them, and nothing unsafe in the AppHost.
        var start = new ProcessStartInfo("kill") { RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-TERM");
        foreach (var pid in pids)
        {
            start.ArgumentList.Add(pid.ToString(CultureInfo.InvariantCulture));
        }

        try
        {
            using var kill = Process.Start(start)!;
            await kill.WaitForExitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or OperationCanceledException)
        {
            logger.LogWarning("Could not signal the platform's processes ({Reason}); the orchestrator stops them", ex.Message);
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            // A zombie has exited: only its parent's wait is missing.
            return File.ReadAllText($"/proc/{pid}/stat").Split(')')[^1].TrimStart().FirstOrDefault() is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }
}

internal static class GracefulShutdownExtensions
{
    public static void AddGracefulShutdown(this IDistributedApplicationBuilder builder)
    {
        if (OperatingSystem.IsLinux())
        {
            builder.Services.TryAddSingleton(TimeProvider.System);
            builder.Services.AddHostedService<GracefulShutdown>();
        }
    }
}
