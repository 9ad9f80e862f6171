using System.Net.WebSockets;
using System.Security.Claims;
using System.Text.Json;
using CreatorChat.Gateway.Infrastructure.Identity;
using CreatorChat.Gateway.Infrastructure.RateLimiting;
using CreatorChat.Gateway.Infrastructure.ReverseProxy;
using CreatorChat.Gateway.Model;
using CreatorChat.ServiceDefaults.Http;
using CreatorChat.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

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
        if (SocketTokens.IsOffered(context.Request))
        {
            var result = await context.AuthenticateAsync();
            if (!result.Succeeded || result.Principal.GetUserId() is not { } id)
            {
                return Reject(context, "The access token is invalid or expired.", "invalid_token");
            }

            try
            {
                signedIn = await directory.GetAsync(id, cancellationToken);
            }
            catch (Exception ex) when (DependencyUnavailable.IsUnavailable(ex))
            {
                return new Admission(DependencyUnavailable.Problem(context, "identitydb", "Accounts cannot be checked right now."), null);
            }

            if (CurrentStanding(signedIn, result.Principal.GetRole()) is { } problem)
            {
                return Reject(context, problem, "invalid_token");
            }

            context.User = result.Principal;
        }

        var userId = signedIn?.Id;

        var client = userId?.ToString("N") ?? "ip:" + ClientAddress.Of(context);
        var floor = await limiter.ConsumeLeasedAsync("api", client, limiter.Options.ApiRequestsPerMinute, TimeSpan.FromMinutes(1), cancellationToken);
        if (!floor.Allowed)
        {
            return new Admission(RateLimitHeaders.TooManyRequests(context, floor, "Too many requests. Slow down."), null);
        }

        if (!IsChatMessage(context))
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
    /// The per-connection filter for the chat WebSocket. Every client frame is parsed here with
    /// <see cref="FrameOptions"/>; a frame that cannot be read (malformed, too deep, a duplicate key,
    /// not text) is answered with an <c>error</c> frame and never relayed, so the chat service only
    /// sees frames the gateway has read the same way. Every <c>{"type":"message",…}</c> counts against
    /// the hourly limit and monthly quota like an HTTP chat call; when over, the client gets an
    /// <c>error</c> frame (status 429 and when to retry) and the message goes no further. A token sent
    /// in an <c>{"type":"auth","access_token":…}</c> frame is checked like a bearer token: if the
    /// gateway refuses it (invalid, user disabled, deleted or given another role) the socket closes.
    /// </summary>
    public Func<ReadOnlyMemory<byte>, WebSocketMessageType, CancellationToken, ValueTask<SocketVerdict>> SocketFilter(ClaimsPrincipal? user)
    {
        var session = new SocketSession { UserId = user?.GetUserId(), Role = user?.GetRole() };
        return (message, kind, cancellationToken) => FilterSocketMessageAsync(session, message, kind, cancellationToken);
    }

    /// <summary>How the gateway reads a WebSocket frame: at least as strict as the chat service, and unambiguous.</summary>
    public static readonly JsonDocumentOptions FrameOptions = new() { MaxDepth = 32, AllowDuplicateProperties = false };

    private async ValueTask<SocketVerdict> FilterSocketMessageAsync(SocketSession session, ReadOnlyMemory<byte> message, WebSocketMessageType kind, CancellationToken cancellationToken)
    {
        if (kind != WebSocketMessageType.Text || ReadFrame(message) is not var (type, token))
        {
            return new SocketVerdict(SocketError(400, "Every frame is one JSON object (text, UTF-8, no duplicate keys, nested at most 32 deep).", null));
        }

        if (type == SocketTokens.AuthFrameType && session.UserId is null)
        {
            var principal = token is null ? null : await ValidateSocketTokenAsync(token, cancellationToken);
            if (principal is null)
            {
                return new SocketVerdict(SocketError(401, "The access token is invalid or expired, or its account is disabled or changed.", null),
                    WebSocketCloseStatus.PolicyViolation, "invalid token");
            }

            (session.UserId, session.Role) = principal.Value;
            return SocketVerdict.Relay; // the chat service authenticates the frame itself, with the same token
        }

        if (type != "message" || session.UserId is not { } userId)
        {
            return SocketVerdict.Relay; // other frames, or a message before auth: the chat service refuses those itself
        }

        User? user;
        try
        {
            user = await directory.GetAsync(userId, cancellationToken);
        }
        catch (Exception ex) when (DependencyUnavailable.IsUnavailable(ex))
        {
            return new SocketVerdict(SocketError(503, "Accounts cannot be checked right now. Please try again shortly.", 5));
        }

        if (CurrentStanding(user, session.Role) is { } refused)
        {
            return new SocketVerdict(SocketError(401, refused, null), WebSocketCloseStatus.PolicyViolation, "token no longer valid");
        }

        var (hourly, monthly) = await limiter.ConsumeChatAsync(userId, Tiers.LimitsFor(user!.Tier), cancellationToken);
        if (!hourly.Allowed)
        {
            return new SocketVerdict(SocketError(429, $"You reached the {user.Tier} tier's limit of {hourly.Limit} chat requests per hour.", hourly.ResetSeconds));
        }

        return monthly is { Allowed: false }
            ? new SocketVerdict(SocketError(429, $"You used this month's {monthly.Limit} messages of the {user.Tier} tier.", monthly.ResetSeconds))
            : SocketVerdict.Relay;
    }

    private async Task<(Guid Id, string? Role)?> ValidateSocketTokenAsync(string token, CancellationToken cancellationToken)
    {
        var user = await SocketTokens.ValidateUserTokenAsync(token, jwtOptions.Get(JwtBearerDefaults.AuthenticationScheme).TokenValidationParameters);
        if (user?.GetUserId() is not { } id)
        {
            return null;
        }

        var role = user.GetRole();
        try
        {
            return CurrentStanding(await directory.GetAsync(id, cancellationToken), role) is null ? (id, role) : null;
        }
        catch (Exception ex) when (DependencyUnavailable.IsUnavailable(ex))
        {
            return null; // cannot vouch for the token: refuse it rather than let chat accept it uncounted
        }
    }

    /// <summary>
    /// For routes the gateway answers itself (administration): the signed-in user's token must still
    /// stand for the account as it is now, checked on every call.
    /// </summary>
    public async Task<IResult?> RefuseStaleTokenAsync(HttpContext context)
    {
        if (context.User.GetUserId() is not { } id)
        {
            return null; // anonymous: authorization answers
        }

        return CurrentStanding(await directory.GetAsync(id, context.RequestAborted), context.User.GetRole()) is { } problem
            ? Reject(context, problem, "invalid_token").Rejection
            : null;
    }

    /// <summary>Why a validly signed token no longer stands for its user (gone, disabled, role changed), or null.</summary>
    private static string? CurrentStanding(User? user, string? claimedRole) => user switch
    {
        null or { Disabled: true } => "This account is disabled.",
        _ when user.Role != claimedRole => "The account's role changed: sign in again.",
        _ => null,
    };

    /// <returns>The frame's type and access token (either null when absent), or null when the frame cannot be read.</returns>
    private static (string? Type, string? Token)? ReadFrame(ReadOnlyMemory<byte> message)
    {
        try
        {
            using var document = JsonDocument.Parse(message, FrameOptions);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            var type = root.TryGetProperty("type", out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            return (type, SocketTokens.FromAuthFrame(root));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed class SocketSession
    {
        public Guid? UserId { get; set; }

        public string? Role { get; set; }
    }

    private static byte[] SocketError(int status, string detail, long? retryAfterSeconds) =>
        JsonSerializer.SerializeToUtf8Bytes(new { type = "error", status, detail, retry_after_seconds = retryAfterSeconds });

    /// <summary>A message the chat service failed to answer does not count against the user.</summary>
    public Task RefundAsync(Guid userId) => limiter.RefundChatAsync(userId, CancellationToken.None);

    /// <summary>
    /// Chat calls that send a message to a model: what hourly limits and monthly quotas count. Decided
    /// by the route that matched (and forwards) the request, so every spelling of its path is counted.
    /// </summary>
    public static bool IsChatMessage(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method) &&
        context.GetEndpoint()?.Metadata.GetMetadata<Yarp.ReverseProxy.Model.RouteModel>()?.Config.Metadata?.ContainsKey(GatewayProxyConfig.ChatMessageKey) == true;

    private static Admission Reject(HttpContext context, string detail, string? error)
    {
        context.Response.Headers.WWWAuthenticate = error is null ? "Bearer" : $"Bearer error=\"{error}\"";
        return new Admission(TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: detail), null);
    }
}
