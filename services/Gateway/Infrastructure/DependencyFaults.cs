using Npgsql;
using StackExchange.Redis;

namespace CreatorChat.Gateway.Infrastructure;

/// <summary>
/// The one rule for "a dependency could not answer" at the edge: which exceptions mean that, and the
/// 503 problem (with <c>Retry-After</c>) the client gets instead of a 500.
/// </summary>
public static class DependencyFaults
{
    public const int RetryAfterSeconds = 5;

    /// <summary>Postgres unreachable, restarting or refusing connections; Redis unreachable or out of time.</summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.IsTransient || postgres.SqlState is "55000" or "3D000" || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal),
        NpgsqlException => true, // no server answer at all: refused, reset, timed out
        RedisException or TimeoutException => true,
        _ => exception.InnerException is { } inner && IsUnavailable(inner),
    };

    public static IResult Unavailable(HttpContext context, string dependency, string detail)
    {
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service unavailable",
            detail: $"{detail} Please try again in a few seconds.", extensions: new Dictionary<string, object?> { ["dependency"] = dependency });
    }
}
