using System.Text.Json;
using CreatorChat.Gateway.Infrastructure.Identity;
using CreatorChat.Gateway.Infrastructure.RateLimiting;
using CreatorChat.Gateway.Model;
using CreatorChat.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;

namespace CreatorChat.Gateway.Infrastructure.Edge;

/// <summary>What the guard decided for one request: a rejection to send, or who may go on and what to refund.</summary>
/// <param name="ChatUserId">Set when this request consumed a chat message (refund it if the service fails).</param>
/// <param name="UserId">The signed-in user, if any.</param>
public sealed record Admission(IResult? Rejection, Guid? ChatUserId, Guid? UserId = null)
{
    public static readonly Admission Anonymous = new(null, null);
}

/// <summary>
/// Runs before anything is forwarded: checks the bearer token (and that its user still exists, is
/// enabled and has the role the token claims), the per-client request floor, and for chat messages
/// the user's hourly limit and monthly quota. Services still authorize on their own; this is where
/// abuse stops before it costs anything.
/// </summary>
public sealed class EdgeGuard(RateLimiter limiter, UserDirectory directory, IOptionsMonitor<JwtBearerOptions> jwtOptions)
{
    public async Task<Admission> AdmitAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        User? signedIn = null;
        if (HasCredentials(context.Request))
        {
            var result = await context.AuthenticateAsync();
            if (!result.Succeeded || result.Principal.GetUserId() is not { } id)
            {
                return Reject(context, "The access token is invalid or expired.", "invalid_token");
            }

            signedIn = await directory.GetAsync(id, cancellationToken);
            if (CurrentStanding(signedIn, result.Principal.GetRole()) is { } problem)
            {
                return Reject(context, problem, "invalid_token");
            }

            context.User = result.Principal;
        }

        var userId = signedIn?.Id;

        var client = userId?.ToString("N") ?? "ip:" + ClientAddress.Of(context);
        var floor = await limiter.ConsumeAsync("api", client, limiter.Options.ApiRequestsPerMinute, TimeSpan.FromMinutes(1), cancellationToken);
        if (!floor.Allowed)
        {
            return new Admission(RateLimitHeaders.TooManyRequests(context, floor, "Too many requests. Slow down."), null);
        }

        if (!IsChatMessage(context.Request))
        {
            return userId is null ? Admission.Anonymous : new Admission(null, null, userId);
        }

        if (signedIn is null)
        {
            return Reject(context, "Sign in to chat.", null);
        }

        var chatter = signedIn.Id;
        var tier = signedIn.Tier;
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

        return new Admission(null, chatter, chatter);
    }

    /// <summary>
    /// The per-connection filter for the chat WebSocket. Every client <c>{"type":"message",…}</c>
    /// counts against the hourly limit and monthly quota like an HTTP chat call; when over, the client
    /// gets an <c>error</c> frame (status 429 and when to retry) and the message goes no further. A
    /// token sent in an <c>{"type":"auth","access_token":…}</c> frame is checked here too, so users
    /// who authenticate in-band are counted the same way.
    /// </summary>
    public Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask<byte[]?>> SocketFilter(Guid? userId)
    {
        var session = new SocketSession { UserId = userId };
        return (message, cancellationToken) => FilterSocketMessageAsync(session, message, cancellationToken);
    }

    private async ValueTask<byte[]?> FilterSocketMessageAsync(SocketSession session, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        var (type, token) = ReadFrame(message);
        if (type == "auth" && session.UserId is null && token is not null)
        {
            session.UserId = await ValidateSocketTokenAsync(token, cancellationToken);
            return null; // the chat service authenticates the frame itself
        }

        if (type != "message" || session.UserId is not { } userId)
        {
            return null; // unauthenticated or other frames: the chat service answers them
        }

        var user = await directory.GetAsync(userId, cancellationToken);
        if (user is null || user.Disabled)
        {
            return SocketError(401, "This account is disabled.", null);
        }

        var (hourly, monthly) = await limiter.ConsumeChatAsync(userId, Tiers.LimitsFor(user.Tier), cancellationToken);
        if (!hourly.Allowed)
        {
            return SocketError(429, $"You reached the {user.Tier} tier's limit of {hourly.Limit} chat requests per hour.", hourly.ResetSeconds);
        }

        return monthly is { Allowed: false }
            ? SocketError(429, $"You used this month's {monthly.Limit} messages of the {user.Tier} tier.", monthly.ResetSeconds)
            : null;
    }

    private async Task<Guid?> ValidateSocketTokenAsync(string token, CancellationToken cancellationToken)
    {
        var parameters = jwtOptions.Get(JwtBearerDefaults.AuthenticationScheme).TokenValidationParameters;
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, parameters);
        if (!result.IsValid || !Guid.TryParse(result.Claims.TryGetValue(PlatformClaims.Subject, out var sub) ? sub as string : null, out var id) ||
            (result.Claims.TryGetValue(PlatformClaims.TokenUse, out var use) ? use as string : null) != "access")
        {
            return null;
        }

        var role = result.Claims.TryGetValue(PlatformClaims.Role, out var claimed) ? claimed as string : null;
        return CurrentStanding(await directory.GetAsync(id, cancellationToken), role) is null ? id : null;
    }

    /// <summary>Why a validly signed token no longer stands for its user (gone, disabled, role changed), or null.</summary>
    private static string? CurrentStanding(User? user, string? claimedRole) => user switch
    {
        null or { Disabled: true } => "This account is disabled.",
        _ when user.Role != claimedRole => "The account's role changed: sign in again.",
        _ => null,
    };

    private static (string? Type, string? Token) ReadFrame(ReadOnlyMemory<byte> message)
    {
        try
        {
            using var document = JsonDocument.Parse(message, new JsonDocumentOptions { MaxDepth = 16 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                return (null, null);
            }

            var token = root.TryGetProperty("access_token", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            return (type.GetString(), token);
        }
        catch (JsonException)
        {
            return (null, null); // malformed frames are the chat service's to answer
        }
    }

    private sealed class SocketSession
    {
        public Guid? UserId { get; set; }
    }

    private static byte[] SocketError(int status, string detail, long? retryAfterSeconds) =>
        JsonSerializer.SerializeToUtf8Bytes(new { type = "error", status, detail, retry_after_seconds = retryAfterSeconds });

    /// <summary>A message the chat service failed to answer does not count against the user.</summary>
    public Task RefundAsync(Guid userId) => limiter.RefundChatAsync(userId, CancellationToken.None);

    /// <summary>Chat calls that send a message to a model: what hourly limits and monthly quotas count.</summary>
    public static bool IsChatMessage(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && (request.Path.Equals("/api/v1/chat", StringComparison.OrdinalIgnoreCase) ||
                                               request.Path.Equals("/v1/chat/completions", StringComparison.OrdinalIgnoreCase));

    private static bool HasCredentials(HttpRequest request) =>
        request.Headers.Authorization.Count > 0 ||
        (request.HttpContext.WebSockets.IsWebSocketRequest && request.Query.ContainsKey("access_token"));

    private static Admission Reject(HttpContext context, string detail, string? error)
    {
        context.Response.Headers.WWWAuthenticate = error is null ? "Bearer" : $"Bearer error=\"{error}\"";
        return new Admission(TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: detail), null);
    }
}
