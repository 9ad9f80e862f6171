using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Forwarder;

namespace CreatorChat.Gateway.Infrastructure.ReverseProxy;

/// <summary>
/// The answer to a forward that failed. The service's fault (unreachable, timed out, broke off): 503
/// (504 for a timeout) problem with <c>Retry-After</c>. The client's fault (its body shorter than its
/// Content-Length, an invalid chunk, too slow, too large): the 4xx Kestrel names. A client that went
/// away gets nothing. Once the response has started nothing can be said any more: YARP has already
/// cut the connection, so the client sees a broken response rather than a truncated "success".
/// </summary>
public static partial class ForwardingFailures
{
    public const string RetryAfterSeconds = "5";

    public static async Task AnswerAsync(HttpContext context, string service, IForwarderErrorFeature error)
    {
        if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        context.Response.Clear();
        if (UpstreamFailurePolicy.IsUpstreamFailure(error.Error))
        {
            var timedOut = error.Error == ForwarderError.RequestTimedOut;
            var status = timedOut ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status503ServiceUnavailable;
            LogUpstreamFailure(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ForwardingFailures)),
                context.Request.Method, context.Request.Path.Value, service, error.Error, error.Exception?.GetType().Name);
            context.Response.Headers.RetryAfter = RetryAfterSeconds;
            await TypedResults.Problem(statusCode: status, title: timedOut ? "Upstream timeout" : "Service unavailable",
                detail: $"The {service} service is not answering right now. Please try again shortly.").ExecuteAsync(context);
            return;
        }

        var clientStatus = FindBadRequest(error.Exception)?.StatusCode ?? StatusCodes.Status400BadRequest;
        await TypedResults.Problem(statusCode: clientStatus, detail: clientStatus switch
        {
            StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
            StatusCodes.Status408RequestTimeout => "The request body did not arrive in time.",
            _ => "The request could not be read (a body shorter than its Content-Length, or an invalid chunk).",
        }).ExecuteAsync(context);
    }

    /// <summary>The forward failed before a byte reached the service: its replica refused the connection.</summary>
    public static bool NeverLeft(HttpContext context)
    {
        if (context.Features.Get<IForwarderErrorFeature>() is not { Error: ForwarderError.Request, Exception: var exception } || context.Response.HasStarted)
        {
            return false;
        }

        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The cluster's available replicas other than the one that just failed.</summary>
    public static IReadOnlyList<Yarp.ReverseProxy.Model.DestinationState> OtherReplicas(HttpContext context)
    {
        var proxy = context.GetReverseProxyFeature();
        var failed = proxy.ProxiedDestination;
        return proxy.Route.Cluster?.DestinationsState.AvailableDestinations.Where(d => d != failed).ToList() ?? [];
    }

    public static void ResetForRetry(HttpContext context, IReadOnlyList<Yarp.ReverseProxy.Model.DestinationState> destinations)
    {
        context.Features.Set<IForwarderErrorFeature>(null);
        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.GetReverseProxyFeature().AvailableDestinations = destinations;
    }

    private static BadHttpRequestException? FindBadRequest(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is BadHttpRequestException bad)
            {
                return bad;
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding {Method} {Path} to {Service} failed: {Error} ({Exception})")]
    private static partial void LogUpstreamFailure(ILogger logger, string method, string? path, string service, ForwarderError error, string? exception);
}
