using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreatorChat.Gateway.Infrastructure.RateLimiting;

public static class RateLimitHeaders
{
    /// <summary>X-RateLimit-Limit/Remaining/Reset (seconds until the window resets) for the given decision.</summary>
    public static void Apply(HttpResponse response, RateLimitDecision decision)
    {
        response.Headers["X-RateLimit-Limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
        response.Headers["X-RateLimit-Remaining"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        response.Headers["X-RateLimit-Reset"] = decision.ResetSeconds.ToString(CultureInfo.InvariantCulture);
    }

    public static ProblemHttpResult TooManyRequests(HttpContext context, RateLimitDecision decision, string detail)
    {
        Apply(context.Response, decision);
        context.Response.Headers.RetryAfter = decision.ResetSeconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests", detail: detail,
            extensions: new Dictionary<string, object?> { ["limit_scope"] = decision.Scope, ["retry_after_seconds"] = decision.ResetSeconds });
    }
}
