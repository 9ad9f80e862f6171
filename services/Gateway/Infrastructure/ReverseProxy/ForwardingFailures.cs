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

    /// <summary>
    /// YARP's own line for a failed forward (a warning with the whole stack, whoever failed) is filtered out in
    /// <see cref="ReverseProxyExtensions"/>; this is the one line instead.
    /// </summary>
    public const string ForwarderCategory = "Yarp.ReverseProxy.Forwarder.HttpForwarder";

    public static async Task AnswerAsync(HttpContext context, string service, IForwarderErrorFeature error)
    {
        Log(context, service, error, retried: false);
        if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        context.Response.Clear();
        if (UpstreamFailurePolicy.IsUpstreamFailure(error.Error))
        {
            var timedOut = error.Error == ForwarderError.RequestTimedOut;
            var status = timedOut ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status503ServiceUnavailable;
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

    /// <summary>
    /// May another replica take this request when the first one fails before answering? A chat turn may: the fan got
    /// nothing and would only send it again (its <see cref="TurnIds"/> id keeps chat from storing the question twice); so may a
    /// method without side effects. Anything else is retried only when it never left (<see cref="NeverLeft"/>).
    /// Its body is buffered as it is forwarded, so that it can be sent again.
    /// </summary>
    public static bool MayRetryElsewhere(HttpRequest request, bool chatTurn) =>
        chatTurn || HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method);

    /// <summary>A request with a body to buffer for a retry; a GET has none, and wrapping its empty body would cost every read.</summary>
    public static bool HasBody(HttpRequest request) =>
        request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? true;

    /// <summary>
    /// The forward failed before any answer: refused at connect, or — for a request that <see cref="MayRetryElsewhere"/> —
    /// the replica died or cut the connection before its response headers, taking the body or after it (a crash mid-turn).
    /// </summary>
    public static bool FailedBeforeAnswer(HttpContext context, bool retryable) =>
        NeverLeft(context) ||
        (retryable && context.Features.Get<IForwarderErrorFeature>() is { Error: ForwarderError.Request or ForwarderError.RequestBodyDestination } &&
         !context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested);

    /// <summary>Attempts per request, the first included, when they fail before an answer (<see cref="FailedBeforeAnswer"/>).</summary>
    public const int MaxAttempts = 3;

    /// <summary>
    /// Where the next attempt goes: the cluster's available replicas other than the one that just failed; when there is
    /// no other, the same address again, since a lone destination is a balancer (a Kubernetes Service, DCP's proxy in
    /// front of replicas) that may send the next connection to a live replica, and a lone dead replica refuses at once.
    /// </summary>
    public static IReadOnlyList<Yarp.ReverseProxy.Model.DestinationState> NextReplicas(HttpContext context)
    {
        var proxy = context.GetReverseProxyFeature();
        var failed = proxy.ProxiedDestination;
        var others = proxy.Route.Cluster?.DestinationsState.AvailableDestinations.Where(d => d != failed).ToList() ?? [];
        return others.Count > 0 || failed is null ? others : [failed];
    }

    public static void ResetForRetry(HttpContext context, IReadOnlyList<Yarp.ReverseProxy.Model.DestinationState> destinations)
    {
        context.Features.Set<IForwarderErrorFeature>(null);
        if (context.Request.Body.CanSeek)
        {
            context.Request.Body.Position = 0; // buffered (MayRetryElsewhere): the next replica gets the whole body again
        }

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

    /// <summary>
    /// One line per failed forward, no stack: the service's fault is a warning naming the replica that failed; the
    /// client's (a body cut short, an invalid chunk, gone mid-answer) is information, or debug when it merely left.
    /// </summary>
    public static void Log(HttpContext context, string service, IForwarderErrorFeature error, bool retried)
    {
        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ForwardingFailures));
        var method = context.Request.Method;
        var path = context.Request.Path.Value;
        var reason = Reason(error.Exception);
        if (UpstreamFailurePolicy.IsUpstreamFailure(error.Error))
        {
            var destination = context.GetReverseProxyFeature().ProxiedDestination?.DestinationId ?? service;
            if (retried)
            {
                LogRetriedElsewhere(logger, method, path, destination, reason);
            }
            else
            {
                LogUpstreamFailure(logger, method, path, destination, error.Error, reason);
            }
        }
        else if (error.Error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyCanceled
                 or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeResponseCanceled)
        {
            LogClientGone(logger, method, path, service, error.Error);
        }
        else
        {
            LogClientFault(logger, method, path, service, error.Error, reason);
        }
    }

    /// <summary>The innermost exception's type and message: what failed, without the stack.</summary>
    private static string Reason(Exception? exception)
    {
        if (exception is null)
        {
            return "no exception";
        }

        while (exception.InnerException is not null)
        {
            exception = exception.InnerException;
        }

        return $"{exception.GetType().Name}: {exception.Message}";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding {Method} {Path} to {Destination} failed: {Error} ({Reason})")]
    private static partial void LogUpstreamFailure(ILogger logger, string method, string? path, string destination, ForwarderError error, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding {Method} {Path} to {Destination} failed before an answer ({Reason}); retrying")]
    private static partial void LogRetriedElsewhere(ILogger logger, string method, string? path, string destination, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Forwarding {Method} {Path} to {Service} stopped by the client: {Error} ({Reason})")]
    private static partial void LogClientFault(ILogger logger, string method, string? path, string service, ForwarderError error, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Forwarding {Method} {Path} to {Service} ended: the client went away ({Error})")]
    private static partial void LogClientGone(ILogger logger, string method, string? path, string service, ForwarderError error);
}
