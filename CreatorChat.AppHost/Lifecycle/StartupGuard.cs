using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CreatorChat.AppHost.Lifecycle;

/// <summary>
/// Turns a start-up that cannot succeed into a message and a non-zero exit instead of a dashboard that waits forever:
/// a server or service that fails to start or exits before everything is healthy, or nothing healthy within
/// <c>Infrastructure:StartupTimeout</c> (default 3 minutes). Once the platform is up it stands aside (tests stop
/// replicas on purpose).
/// </summary>
internal sealed class StartupGuard(
    DistributedApplicationModel model,
    ResourceNotificationService notifications,
    ResourceLoggerService logs,
    IHostApplicationLifetime lifetime,
    Microsoft.Extensions.Configuration.IConfiguration configuration,
    ILogger<StartupGuard> logger) : BackgroundService
{
    private static readonly string[] Failed =
        [KnownResourceStates.FailedToStart, KnownResourceStates.Exited, KnownResourceStates.Finished, KnownResourceStates.RuntimeUnhealthy];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var watched = model.Resources
            .Where(r => r is ProjectResource or ExecutableResource or ContainerResource)
            .Where(r => !r.Annotations.OfType<ExplicitStartupAnnotation>().Any())
            .ToDictionary(r => r.Name);
        var healthy = new HashSet<(string Resource, string Instance)>();
        bool IsHealthy(IResource resource) =>
            healthy.Count(h => h.Resource == resource.Name) >= (resource.Annotations.OfType<ReplicaAnnotation>().LastOrDefault()?.Replicas ?? 1);
        var timeout = Microsoft.Extensions.Configuration.ConfigurationBinder.GetValue(configuration, "Infrastructure:StartupTimeout", TimeSpan.FromMinutes(3));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        deadline.CancelAfter(timeout);
        try
        {
            await foreach (var update in notifications.WatchAsync(deadline.Token))
            {
                if (!watched.ContainsKey(update.Resource.Name))
                {
                    continue;
                }

                var state = update.Snapshot.State?.Text;
                if (state is not null && Failed.Contains(state))
                {
                    await FailAsync(update.ResourceId, update.Resource.Name,
                        $"{update.Resource.Name} {(state == KnownResourceStates.RuntimeUnhealthy ? "cannot start: the container runtime is unhealthy" : $"stopped before it was ready ({state}{(update.Snapshot.ExitCode is { } code ? $", exit code {code}" : "")})")}.");
                    return;
                }

                if (update.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy && state == KnownResourceStates.Running)
                {
                    healthy.Add((update.Resource.Name, update.ResourceId));
                }

                if (watched.Values.All(IsHealthy))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            var waiting = watched.Values.Where(r => !IsHealthy(r)).Select(r => r.Name);
            await FailAsync(null, null, $"not healthy within {timeout.TotalSeconds:0} s: {string.Join(", ", waiting)}.");
        }
    }

    private async Task FailAsync(string? resourceId, string? name, string problem)
    {
        var tail = resourceId is null ? [] : await LastLogLinesAsync(resourceId);
        logger.LogError("CreatorChat cannot start: {Problem}{Log} Fix that and run again; stopping.", problem,
            tail.Count == 0 ? "" : $"\nLast lines of {name}'s log:\n  " + string.Join("\n  ", tail) + "\n");
        Environment.ExitCode = 1;
        lifetime.StopApplication();
    }

    private async Task<List<string>> LastLogLinesAsync(string resourceId)
    {
        var lines = new List<string>();
        using var enough = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await foreach (var batch in logs.WatchAsync(resourceId).WithCancellation(enough.Token))
            {
                lines.AddRange(batch.Select(l => l.Content));
            }
        }
        catch (OperationCanceledException)
        {
            // The backlog arrives at once; what came within a second is what there is.
        }

        return lines.TakeLast(8).ToList();
    }
}

internal static class StartupGuardExtensions
{
    // First of all hosted services: Aspire's orchestrator does not finish starting while a service waits for a server
    // that never becomes healthy, and a guard started after it would never get to say so.
    public static void AddStartupGuard(this IDistributedApplicationBuilder builder)
    {
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IHostedService, StartupGuard>());
        // The guard's own message says why the start stopped; the host's "failed to start" with the cancellation's
        // stack trace would only bury it. A start that fails otherwise still ends with its exception.
        builder.Services.AddLogging(logging => logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical));
    }
}
