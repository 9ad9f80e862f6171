using System.Diagnostics;
using CreatorChat.Gateway.Infrastructure.Edge;
using CreatorChat.Gateway.Infrastructure.ReverseProxy;
using CreatorChat.ServiceDefaults.Model;
using Yarp.ReverseProxy.Forwarder;

namespace CreatorChat.Gateway.Apis;

public static class ProxyApi
{
    /// <summary>
    /// Maps every public route family to the service that owns it (YARP, see <see cref="GatewayProxyConfig"/>);
    /// each request passes the <see cref="EdgeGuard"/> (tokens, limits, quotas) before it is forwarded,
    /// and a forward that fails is answered here: 503/504 problem when the service failed, 4xx when the client did.
    /// </summary>
    public static IEndpointRouteBuilder MapProxyApi(this IEndpointRouteBuilder app)
    {
        app.MapReverseProxy(pipeline =>
        {
            pipeline.Use(ForwardAsync);
            pipeline.UseSessionAffinity();
            pipeline.UseLoadBalancing();
            pipeline.UsePassiveHealthChecks();
        });

        // Chat over WebSocket: relayed message by message, each one counted (see EdgeGuard.SocketFilter).
        app.Map("/api/v1/chat/ws", ForwardSocketAsync).ExcludeFromDescription();
        return app;
    }

    public static async Task ForwardSocketAsync(HttpContext context, EdgeGuard guard, WebSocketForwarder sockets)
    {
        var admission = await guard.AdmitAsync(context);
        if (admission.Rejection is { } rejection)
        {
            await rejection.ExecuteAsync(context);
            return;
        }

        await sockets.ForwardAsync(context, ServiceNames.Chat, guard.SocketFilter(admission.UserId is null ? null : context.User));
    }

    public static async Task ForwardAsync(HttpContext context, Func<Task> forward)
    {
        if (!GatewayRoutes.IsCanonical(context.Request.Path))
        {
            await TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad path",
                detail: "The path has an empty segment or an encoded slash; send it without.").ExecuteAsync(context);
            return;
        }

        var guard = context.RequestServices.GetRequiredService<EdgeGuard>();
        var admission = await guard.AdmitAsync(context);
        if (admission.Rejection is { } rejection)
        {
            await rejection.ExecuteAsync(context);
            return;
        }

        var chatTurn = EdgeGuard.IsChatMessage(context);
        if (chatTurn)
        {
            TurnIds.Assign(context, context.RequestServices.GetRequiredService<TimeProvider>()); // one id for every attempt: chat stores a retried turn once
        }

        var service = context.GetReverseProxyFeature().Cluster.Config.ClusterId;
        var started = Stopwatch.GetTimestamp();
        var retryable = ForwardingFailures.MayRetryElsewhere(context.Request, chatTurn);
        if (retryable && ForwardingFailures.HasBody(context.Request))
        {
            context.Request.EnableBuffering();
        }

        await forward();
        // Refused at connect (never reached the service, any method), or a chat turn or a read whose replica died before
        // answering: another replica takes it.
        for (var attempt = 1; attempt < ForwardingFailures.MaxAttempts && ForwardingFailures.FailedBeforeAnswer(context, retryable); attempt++)
        {
            ForwardingFailures.Log(context, service, context.Features.Get<IForwarderErrorFeature>()!, retried: true);
            ForwardingFailures.ResetForRetry(context, ForwardingFailures.NextReplicas(context));
            await forward();
        }

        if (context.Features.Get<IForwarderErrorFeature>() is { } error)
        {
            await ForwardingFailures.AnswerAsync(context, service, error);
        }

        var status = context.RequestAborted.IsCancellationRequested ? 499 : context.Response.StatusCode;
        context.RequestServices.GetRequiredService<ProxyMetrics>().Record(service, context.Request.Method, status, Stopwatch.GetElapsedTime(started));
        if (admission.ChatUserId is { } userId && status >= StatusCodes.Status500InternalServerError)
        {
            await guard.RefundAsync(userId);
        }
    }
}
