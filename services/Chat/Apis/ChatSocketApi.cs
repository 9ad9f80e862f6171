using CreatorChat.Chat.Pipeline;
using CreatorChat.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace CreatorChat.Chat.Apis;

/// <summary>
/// <c>GET /api/v1/chat/ws</c>: chat over a WebSocket. The token comes in the <c>access_token</c>
/// query parameter (browsers cannot set headers on an upgrade), the Authorization header, or a first
/// frame <c>{type: "auth", access_token}</c>. Then: client <c>{type: "message", creator_id,
/// conversation_id?, message}</c> → server <c>{type: "chunk", text}</c>…, <c>{type: "citations",
/// citations}</c>, <c>{type: "complete", conversation_id, message_id, cached, status}</c> or
/// <c>{type: "error", detail}</c>. <c>{type: "stop"}</c> ends the current answer (saved as
/// stopped); <c>{type: "ping"}</c> gets <c>{type: "pong"}</c>. Bad frames get an error frame and
/// the connection stays open.
/// </summary>
public static class ChatSocketApi
{
    public const string Transport = "websocket";
    public static readonly TimeSpan AuthenticationTimeout = TimeSpan.FromSeconds(10);

    public static IEndpointRouteBuilder MapChatSocketApi(this IEndpointRouteBuilder app)
    {
        app.Map("/api/v1/chat/ws", Connect).WithTags("Chat").WithSummary("Chat over a WebSocket").ExcludeFromDescription().AllowAnonymous();
        return app;
    }

    public static async Task Connect(
        HttpContext context, ChatPipeline pipeline, IOptionsMonitor<JwtBearerOptions> jwtOptions, ILoggerFactory loggers)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "WebSocket required",
                detail: "Connect to this endpoint with a WebSocket upgrade request.").ExecuteAsync(context);
            return;
        }

        var userId = context.User.GetUserId();
        if (userId is null && SocketTokens.IsOffered(context.Request))
        {
            // A token was offered and it is not valid: refuse the upgrade.
            await TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                detail: "The access token is missing, invalid or expired.").ExecuteAsync(context);
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var session = new ChatSocketSession(socket, pipeline, userId, jwtOptions.Get(JwtBearerDefaults.AuthenticationScheme).TokenValidationParameters,
            loggers.CreateLogger(typeof(ChatSocketApi).FullName!));
        await session.RunAsync(context.RequestAborted);
    }
}
