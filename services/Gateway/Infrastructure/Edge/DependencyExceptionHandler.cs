using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace CreatorChat.Gateway.Infrastructure.Edge;

/// <summary>
/// A dependency that cannot answer (identitydb restarting, Redis frozen) is a 503 problem with
/// <c>Retry-After</c>, never an unhandled 500. The outage is logged at error level once, not per request.
/// </summary>
public sealed class DependencyExceptionHandler(TimeProvider timeProvider, ILogger<DependencyExceptionHandler> logger) : IExceptionHandler
{
    private static readonly TimeSpan LogEvery = TimeSpan.FromSeconds(30);
    private long _lastLoggedTicks;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!DependencyFaults.IsUnavailable(exception) || httpContext.Response.HasStarted)
        {
            return false;
        }

        var dependency = Find<NpgsqlException>(exception) is not null ? "identitydb" : "cache";
        var now = timeProvider.GetUtcNow().UtcTicks;
        var last = Interlocked.Read(ref _lastLoggedTicks);
        if (now - last > LogEvery.Ticks && Interlocked.CompareExchange(ref _lastLoggedTicks, now, last) == last)
        {
            logger.LogError("{Dependency} is not answering: requests that need it get 503 ({Reason})", dependency, exception.GetType().Name);
        }

        httpContext.Response.Clear();
        await DependencyFaults.Unavailable(httpContext, dependency, "A service the gateway needs is not answering.").ExecuteAsync(httpContext);
        return true;
    }

    private static T? Find<T>(Exception? exception) where T : Exception
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is T match)
            {
                return match;
            }
        }

        return null;
    }
}
