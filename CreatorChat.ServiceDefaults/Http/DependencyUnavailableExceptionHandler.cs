using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Npgsql;
using Polly.CircuitBreaker;
using Polly.Timeout;
using StackExchange.Redis;

namespace CreatorChat.ServiceDefaults.Http;

/// <summary>
/// A dependency that is down, frozen or behind an open breaker (PostgreSQL, Redis, another service) is
/// a 503 with <c>Retry-After</c>, never a 500: the request was fine and may succeed shortly. The fault
/// is logged once at error level per dependency (<see cref="DependencyFaults"/>), not once per request.
/// </summary>
internal sealed class DependencyUnavailableExceptionHandler(IProblemDetailsService problemDetails, DependencyFaults faults) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (httpContext.Response.HasStarted || DependencyUnavailable.Of(exception) is not { } dependency)
        {
            return false;
        }

        faults.Report(dependency, exception);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = DependencyUnavailable.RetryAfterSeconds;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Service unavailable",
                Detail = $"A service this request needs ({dependency}) is not answering right now. Please try again shortly.",
            },
            Exception = exception,
        });
    }
}

/// <summary>
/// The one rule for "a dependency could not answer", in every service and at the edge: which exceptions mean it,
/// and the 503 problem with <c>Retry-After</c> the client gets instead of a 500.
/// </summary>
public static class DependencyUnavailable
{
    public const string RetryAfterSeconds = "5";

    /// <summary>
    /// The dependency an exception (or one it wraps) says is unavailable, or null when it is not such a failure:
    /// Postgres unreachable, restarting, shutting down or out of connections; Redis unreachable or out of time; another
    /// service down, frozen or behind an open breaker.
    /// </summary>
    public static string? Of(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.IsTransient || postgres.SqlState is "55000" or "3D000" or "53300" || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal)
            ? "database"
            : null,
        NpgsqlException => "database", // no server answer at all: refused, reset, timed out
        RedisException => "cache",
        BrokenCircuitException or TimeoutRejectedException or HttpRequestException => exception.Data["dependency"] as string ?? "upstream",
        TimeoutException => "a dependency",
        _ => exception.InnerException is { } inner ? Of(inner) : null,
    };

    public static bool IsUnavailable(Exception exception) => Of(exception) is not null;

    /// <summary>The 503 a handler returns itself when it knows which dependency failed (<c>dependency</c> names it).</summary>
    public static IResult Problem(HttpContext context, string dependency, string detail)
    {
        context.Response.Headers.RetryAfter = RetryAfterSeconds;
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service unavailable",
            detail: $"{detail} Please try again in a few seconds.", extensions: new Dictionary<string, object?> { ["dependency"] = dependency });
    }
}
