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
        if (DependencyOf(exception) is not { } dependency)
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

    public static string? DependencyOf(Exception exception) => DependencyUnavailable.Of(exception);
}

/// <summary>How a service says "a dependency is down, try again shortly": 503 with this <c>Retry-After</c>.</summary>
public static class DependencyUnavailable
{
    public const string RetryAfterSeconds = "5";

    /// <summary>The dependency an exception says is unavailable, or null when it is not such a failure.</summary>
    public static string? Of(Exception exception) => exception switch
    {
        NpgsqlException { IsTransient: true } or NpgsqlException { InnerException: TimeoutException } => "database",
        PostgresException { SqlState: "57P01" or "57P02" or "57P03" or "53300" } => "database",
        RedisException => "cache",
        BrokenCircuitException or TimeoutRejectedException or HttpRequestException => exception.Data["dependency"] as string ?? "upstream",
        TimeoutException => "a dependency",
        _ => null,
    };
}
