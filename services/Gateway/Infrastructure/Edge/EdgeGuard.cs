using System.Security.Claims;
using CreatorChat.Gateway.Infrastructure.Identity;
using CreatorChat.Gateway.Infrastructure.RateLimiting;
using CreatorChat.Gateway.Model;
using CreatorChat.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authentication;

namespace CreatorChat.Gateway.Infrastructure.Edge;

/// <summary>What the guard decided for one request: a rejection to send, or who may go on and what to refund.</summary>
public sealed record Admission(IResult? Rejection, Guid? ChatUserId)
{
    public static readonly Admission Anonymous = new(null, null);
}

/// <summary>
/// Runs before anything is forwarded: checks the bearer token (and that its user still exists, is
/// enabled and has the role the token claims), the per-client request floor, and for chat messages
/// the user's hourly limit and monthly quota. Services still authorize on their own; this is where
/// abuse stops before it costs anything.
/// </summary>
public sealed class EdgeGuard(RateLimiter limiter, UserDirectory directory)
{
    public async Task<Admission> AdmitAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        Guid? userId = null;
        if (HasCredentials(context.Request))
        {
            var result = await context.AuthenticateAsync();
            if (!result.Succeeded || result.Principal.GetUserId() is not { } id)
            {
                return Reject(context, "The access token is invalid or expired.", "invalid_token");
            }

            var user = await directory.GetAsync(id, cancellationToken);
            if (user is null || user.Disabled)
            {
                return Reject(context, "This account is disabled.", "invalid_token");
            }

            if (user.Role != result.Principal.GetRole())
            {
                return Reject(context, "The account's role changed: sign in again.", "invalid_token");
            }

            context.User = result.Principal;
            userId = id;
        }

        var client = userId?.ToString("N") ?? "ip:" + ClientAddress.Of(context);
        var floor = await limiter.ConsumeAsync("api", client, limiter.Options.ApiRequestsPerMinute, TimeSpan.FromMinutes(1), cancellationToken);
        if (!floor.Allowed)
        {
            return new Admission(RateLimitHeaders.TooManyRequests(context, floor, "Too many requests. Slow down."), null);
        }

        if (!IsChatMessage(context.Request))
        {
            return userId is null ? Admission.Anonymous : new Admission(null, null);
        }

        if (userId is not { } chatter)
        {
            return Reject(context, "Sign in to chat.", null);
        }

        var tier = (await directory.GetAsync(chatter, cancellationToken))!.Tier;
        var (hourly, monthly) = await limiter.ConsumeChatAsync(chatter, Tiers.LimitsFor(tier), cancellationToken);
        if (!hourly.Allowed)
        {
            return new Admission(RateLimitHeaders.TooManyRequests(context, hourly,
                $"You reached the {tier} tier's limit of {hourly.Limit} chat requests per hour."), null);
        }

        if (monthly is { Allowed: false })
        {
            return new Admission(RateLimitHeaders.TooManyRequests(context, monthly,
                $"You used this month's {monthly.Limit} messages of the {tier} tier."), null);
        }

        RateLimitHeaders.Apply(context.Response, hourly);
        if (monthly is not null)
        {
            context.Response.Headers["X-Quota-Limit"] = monthly.Limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
            context.Response.Headers["X-Quota-Remaining"] = monthly.Remaining.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return new Admission(null, chatter);
    }

    /// <summary>A message the chat service failed to answer does not count against the user.</summary>
    public Task RefundAsync(Guid userId) => limiter.RefundChatAsync(userId, CancellationToken.None);

    /// <summary>Chat calls that send a message to a model: what hourly limits and monthly quotas count.</summary>
    public static bool IsChatMessage(HttpRequest request) =>
        (HttpMethods.IsPost(request.Method) && (request.Path.Equals("/api/v1/chat", StringComparison.OrdinalIgnoreCase) ||
                                                request.Path.Equals("/v1/chat/completions", StringComparison.OrdinalIgnoreCase))) ||
        (request.HttpContext.WebSockets.IsWebSocketRequest && request.Path.Equals("/api/v1/chat/ws", StringComparison.OrdinalIgnoreCase));

    private static bool HasCredentials(HttpRequest request) =>
        request.Headers.Authorization.Count > 0 ||
        (request.HttpContext.WebSockets.IsWebSocketRequest && request.Query.ContainsKey("access_token"));

    private static Admission Reject(HttpContext context, string detail, string? error)
    {
        context.Response.Headers.WWWAuthenticate = error is null ? "Bearer" : $"Bearer error=\"{error}\"";
        return new Admission(TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: detail), null);
    }
}
