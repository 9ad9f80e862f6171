using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using Yarp.ReverseProxy;

namespace CreatorChat.Gateway.Infrastructure.ReverseProxy;

/// <summary>
/// Forwards a WebSocket to a service replica: opens the upstream socket first (relaying the
/// <c>access_token</c> query parameter and the Authorization header, so the service authenticates
/// the user itself), then accepts the client's socket and relays frames both ways as they come —
/// text or binary, fragment by fragment — until either side closes, whose close status is passed
/// on to the other. A replica that cannot be reached is a 503 problem before the upgrade; a refusal
/// (401, 400, …) is relayed as the same status.
/// </summary>
public sealed class WebSocketForwarder(IProxyStateLookup proxy, ProxyMetrics metrics, ILogger<WebSocketForwarder> logger)
{
    private int _next;

    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(20);

    private static readonly string[] RelayedHeaders = ["Authorization", "Accept-Language", "User-Agent"];

    /// <summary>Max size of one client message when a filter must see it whole.</summary>
    public const int MaxFilteredMessageBytes = 64 * 1024;

    /// <param name="clientMessageFilter">
    /// Sees each complete client message before it is relayed, and decides whether it is relayed, answered
    /// here instead, or ends the socket — used for per-message limits, quotas and in-band authentication.
    /// </param>
    public async Task ForwardAsync(HttpContext context, string service, Func<ReadOnlyMemory<byte>, WebSocketMessageType, CancellationToken, ValueTask<SocketVerdict>>? clientMessageFilter = null)
    {
        var started = Stopwatch.GetTimestamp();
        var status = StatusCodes.Status101SwitchingProtocols;
        try
        {
            status = await RelayAsync(context, service, clientMessageFilter);
        }
        finally
        {
            metrics.Record(service, "WEBSOCKET", status, Stopwatch.GetElapsedTime(started));
        }
    }

    private async Task<int> RelayAsync(HttpContext context, string service, Func<ReadOnlyMemory<byte>, WebSocketMessageType, CancellationToken, ValueTask<SocketVerdict>>? filter)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "WebSocket required",
                detail: "Connect to this endpoint with a WebSocket upgrade request.").ExecuteAsync(context);
            return StatusCodes.Status400BadRequest;
        }

        var incoming = context.Request;
        if (Replica(service) is not { } replica)
        {
            context.Response.Headers.RetryAfter = "5";
            await TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Service unavailable",
                detail: $"The {service} service is not answering right now. Please try again shortly.").ExecuteAsync(context);
            return StatusCodes.Status503ServiceUnavailable;
        }

        var resolved = new Uri(replica, $"{incoming.PathBase.ToUriComponent()}{incoming.Path.ToUriComponent()}{incoming.QueryString.ToUriComponent()}");
        var target = new UriBuilder(resolved) { Scheme = resolved.Scheme == Uri.UriSchemeHttps ? "wss" : "ws" }.Uri;

        using var upstream = new ClientWebSocket();
        upstream.Options.KeepAliveInterval = KeepAliveInterval;
        upstream.Options.CollectHttpResponseDetails = true;
        foreach (var name in RelayedHeaders)
        {
            if (incoming.Headers.TryGetValue(name, out var value) && value.Count > 0)
            {
                upstream.Options.SetRequestHeader(name, value.ToString());
            }
        }

        upstream.Options.SetRequestHeader("X-Request-Id", context.TraceIdentifier);
        upstream.Options.SetRequestHeader("X-Forwarded-Proto", incoming.Scheme);
        upstream.Options.SetRequestHeader("X-Forwarded-Host", incoming.Host.Value);
        if (context.Connection.RemoteIpAddress is { } remote)
        {
            upstream.Options.SetRequestHeader("X-Forwarded-For", remote.ToString());
        }

        try
        {
            foreach (var protocol in context.WebSockets.WebSocketRequestedProtocols)
            {
                upstream.Options.AddSubProtocol(protocol); // throws on a duplicate or a malformed name
            }
        }
        catch (ArgumentException)
        {
            await TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad WebSocket handshake",
                detail: "Sec-WebSocket-Protocol must list distinct, well-formed protocol names.").ExecuteAsync(context);
            return StatusCodes.Status400BadRequest;
        }

        using (var connect = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted))
        {
            connect.CancelAfter(ConnectTimeout);
            try
            {
                await upstream.ConnectAsync(target, connect.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or HttpRequestException or OperationCanceledException && !context.RequestAborted.IsCancellationRequested)
            {
                var refused = upstream.HttpStatusCode is var code and not (0 or HttpStatusCode.SwitchingProtocols) && (int)code < 500;
                var status = refused ? (int)upstream.HttpStatusCode : StatusCodes.Status503ServiceUnavailable;
                logger.LogWarning("WebSocket to {Service} not opened ({Status}): {Reason}", service, status, ex.GetType().Name);
                context.Response.Headers.RetryAfter = refused ? default : "5";
                await TypedResults.Problem(
                    statusCode: status,
                    title: refused ? ReasonPhrase(status) : "Service unavailable",
                    detail: refused ? $"The {service} service refused the connection." : $"The {service} service is not answering right now. Please try again shortly.")
                    .ExecuteAsync(context);
                return status;
            }
        }

        using var client = await context.WebSockets.AcceptWebSocketAsync(upstream.SubProtocol);
        using var session = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        using var clientSends = new SemaphoreSlim(1, 1); // replies from the filter and relayed frames share the client socket
        var toUpstream = filter is null
            ? WebSocketPump.PumpAsync(client, upstream, null, session.Token)
            : WebSocketPump.PumpFilteredAsync(client, upstream, filter, clientSends, session.Token);
        var toClient = WebSocketPump.PumpAsync(upstream, client, clientSends, session.Token);

        // When one side closes, its close is passed on; give the other side a moment to complete the handshake.
        var first = await Task.WhenAny(toUpstream, toClient);
        var other = first == toUpstream ? toClient : toUpstream;
        using (var grace = new CancellationTokenSource())
        {
            if (await Task.WhenAny(other, Task.Delay(CloseTimeout, grace.Token)) != other)
            {
                await session.CancelAsync();
            }

            await grace.CancelAsync();
        }

        await Task.WhenAll(toUpstream, toClient);
        client.Abort();
        upstream.Abort();
        return StatusCodes.Status101SwitchingProtocols;
    }

    /// <summary>A replica of the service the HTTP routes would use too: YARP's healthy destinations, in turn.</summary>
    private Uri? Replica(string service)
    {
        if (!proxy.TryGetCluster(service, out var cluster))
        {
            return null;
        }

        var destinations = cluster.DestinationsState.AvailableDestinations;
        if (destinations.Count == 0)
        {
            destinations = cluster.DestinationsState.AllDestinations;
        }

        return destinations.Count == 0
            ? null
            : new Uri(destinations[(int)((uint)Interlocked.Increment(ref _next) % (uint)destinations.Count)].Model.Config.Address);
    }

    private static string ReasonPhrase(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
}
