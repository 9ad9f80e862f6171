using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CreatorChat.ServiceDefaults.Http;

/// <summary>
/// One error line per failing dependency, not a warning per request: the first failure of a
/// dependency is logged at error level with its name, later ones within <see cref="Quiet"/> only at debug.
/// </summary>
public sealed partial class DependencyFaults(TimeProvider timeProvider, ILogger<DependencyFaults> logger)
{
    public static readonly TimeSpan Quiet = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastLogged = new(StringComparer.Ordinal);

    public void Report(string dependency, Exception exception)
    {
        var now = timeProvider.GetUtcNow();
        var first = false;
        _lastLogged.AddOrUpdate(dependency, _ => (first = true, now).now, (_, last) => now - last >= Quiet ? (first = true, now).now : last);
        if (first)
        {
            LogFailing(logger, exception, dependency, exception.GetType().Name);
        }
        else
        {
            LogStillFailing(logger, dependency, exception.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Dependency {Dependency} is failing ({ExceptionType}): requests that need it get 503 until it recovers")]
    private static partial void LogFailing(ILogger logger, Exception exception, string dependency, string exceptionType);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dependency {Dependency} still failing ({ExceptionType})")]
    private static partial void LogStillFailing(ILogger logger, string dependency, string exceptionType);
}
