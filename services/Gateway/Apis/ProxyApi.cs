using CreatorChat.Gateway.Infrastructure.Edge;
using CreatorChat.Gateway.Infrastructure.ReverseProxy;

namespace CreatorChat.Gateway.Apis;

public static class ProxyApi
{
    /// <summary>
    /// Maps every public route family to the service that owns it (see <see cref="GatewayRoutes"/>);
    /// each request passes the <see cref="EdgeGuard"/> (tokens, limits, quotas) before it is forwarded.
    /// </summary>
    public static IEndpointRouteBuilder MapProxyApi(this IEndpointRouteBuilder app)
    {
        foreach (var route in GatewayRoutes.All)
        {
            var service = route.Service;
            app.Map(route.Pattern, (HttpContext context, EdgeGuard guard, HttpForwarder forwarder) => ForwardAsync(context, service, guard, forwarder))
                .WithMetadata(route)
                .ExcludeFromDescription();
        }

        // Chat over WebSocket: HttpForwarder cannot carry an upgraded connection.
        var sockets = ActivatorUtilities.CreateInstance<WebSocketForwarder>(app.ServiceProvider);
        app.Map("/api/v1/chat/ws", (HttpContext context, EdgeGuard guard) => ForwardSocketAsync(context, GatewayRoutes.Chat, guard, sockets))
            .ExcludeFromDescription();

        return app;
    }

    public static async Task ForwardSocketAsync(HttpContext context, string service, EdgeGuard guard, WebSocketForwarder sockets)
    {
        var admission = await guard.AdmitAsync(context);
        if (admission.Rejection is { } rejection)
        {
            await rejection.ExecuteAsync(context);
            return;
        }

        await sockets.ForwardAsync(context, service, guard.SocketFilter(admission.UserId is null ? null : context.User));
    }

    public static async Task ForwardAsync(HttpContext context, string service, EdgeGuard guard, HttpForwarder forwarder)
    {
        if (!GatewayRoutes.IsCanonical(context.Request.Path))
        {
            await TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad path",
                detail: "The path has an empty segment or an encoded slash; send it without.").ExecuteAsync(context);
            return;
        }

        var admission = await guard.AdmitAsync(context);
        if (admission.Rejection is { } rejection)
        {
            await rejection.ExecuteAsync(context);
            return;
        }

        await forwarder.ForwardAsync(context, service);
        if (admission.ChatUserId is { } userId && context.Response.StatusCode >= StatusCodes.Status500InternalServerError)
        {
            await guard.RefundAsync(userId);
        }
    }
}
