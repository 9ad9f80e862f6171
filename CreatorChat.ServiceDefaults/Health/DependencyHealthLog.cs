using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace CreatorChat.ServiceDefaults.Health;

/// <summary>
/// Runs the health checks in the background and logs each change of a dependency's state once: at
/// error level when it starts failing (naming it and why), at information when it is back.
/// </summary>
internal sealed partial class DependencyHealthLog(ILogger<DependencyHealthLog> logger) : IHealthCheckPublisher
{
    private readonly ConcurrentDictionary<string, HealthStatus> _last = new(StringComparer.Ordinal);

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        foreach (var (name, entry) in report.Entries)
        {
            var previous = _last.GetValueOrDefault(name, HealthStatus.Healthy);
            _last[name] = entry.Status;
            if (previous == entry.Status)
            {
                continue;
            }

            if (entry.Status == HealthStatus.Healthy)
            {
                LogRecovered(logger, name);
            }
            else
            {
                LogFailing(logger, entry.Exception, name, entry.Status, entry.Description ?? entry.Exception?.GetType().Name ?? "");
            }
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Dependency {Dependency} is {Status}: {Reason}")]
    private static partial void LogFailing(ILogger logger, Exception? exception, string dependency, HealthStatus status, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dependency {Dependency} is healthy again")]
    private static partial void LogRecovered(ILogger logger, string dependency);
}
