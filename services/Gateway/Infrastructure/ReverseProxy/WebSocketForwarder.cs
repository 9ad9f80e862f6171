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
    private const int BufferSize = 16 * 1024;

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
            ? PumpAsync(client, upstream, null, session.Token)
            : PumpFilteredAsync(client, upstream, filter, clientSends, session.Token);
        var toClient = PumpAsync(upstream, client, clientSends, session.Token);

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

    /// <summary>Copies frames from one socket to the other until the source closes or fails.</summary>
    private static async Task PumpAsync(WebSocket source, WebSocket destination, SemaphoreSlim? destinationSends, CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        try
        {
            while (true)
            {
                var result = await source.ReceiveAsync(buffer.AsMemory(), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await PassCloseAsync(source, destination, cancellationToken);
                    return;
                }

                await SendAsync(destination, destinationSends, buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            await AbandonAsync(destination);
        }
    }

    /// <summary>Relays client messages whole, each one first shown to the filter.</summary>
    private static async Task PumpFilteredAsync(
        WebSocket client, WebSocket upstream, Func<ReadOnlyMemory<byte>, WebSocketMessageType, CancellationToken, ValueTask<SocketVerdict>> filter,
        SemaphoreSlim clientSends, CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await client.ReceiveAsync(buffer.AsMemory(), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await PassCloseAsync(client, upstream, cancellationToken);
                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (message.Length > MaxFilteredMessageBytes)
                {
                    await client.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, "message too large", cancellationToken);
                    await AbandonAsync(upstream);
                    return;
                }

                if (!result.EndOfMessage)
                {
                    continue;
                }

                var whole = message.GetBuffer().AsMemory(0, (int)message.Length);
                var verdict = await filter(whole, result.MessageType, cancellationToken);
                if (verdict.Relays)
                {
                    await upstream.SendAsync(whole, result.MessageType, endOfMessage: true, cancellationToken);
                }

                if (verdict.Reply is { } reply)
                {
                    await SendAsync(client, clientSends, reply, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
                }

                if (verdict.Close is { } close)
                {
                    await CloseClientAsync(client, clientSends, close, verdict.CloseReason, cancellationToken);
                    await AbandonAsync(upstream);
                    return;
                }

                message.SetLength(0);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            await AbandonAsync(upstream);
        }
    }

    private static async Task SendAsync(
        WebSocket destination, SemaphoreSlim? sends, ReadOnlyMemory<byte> data, WebSocketMessageType type, bool endOfMessage, CancellationToken cancellationToken)
    {
        if (sends is null)
        {
            await destination.SendAsync(data, type, endOfMessage, cancellationToken);
            return;
        }

        // Hold the lock for a whole message, so frames of two messages never interleave.
        await sends.WaitAsync(cancellationToken);
        try
        {
            await destination.SendAsync(data, type, endOfMessage, cancellationToken);
        }
        finally
        {
            if (endOfMessage)
            {
                sends.Release();
            }
        }
    }

    private static async Task CloseClientAsync(WebSocket client, SemaphoreSlim sends, WebSocketCloseStatus status, string? reason, CancellationToken cancellationToken)
    {
        await sends.WaitAsync(cancellationToken);
        try
        {
            await client.CloseOutputAsync(status, reason, cancellationToken);
        }
        finally
        {
            sends.Release();
        }
    }

    private static async Task PassCloseAsync(WebSocket source, WebSocket destination, CancellationToken cancellationToken)
    {
        if (destination.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            await destination.CloseOutputAsync(source.CloseStatus ?? WebSocketCloseStatus.NormalClosure, source.CloseStatusDescription, cancellationToken);
        }
    }

    /// <summary>One side vanished without a close: end the other side too.</summary>
    private static async Task AbandonAsync(WebSocket destination)
    {
        if (destination.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await destination.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "the other side went away", timeout.Token);
            }
            catch (Exception closeFailure) when (closeFailure is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
            {
                destination.Abort();
            }
        }
    }

    private static string ReasonPhrase(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
}
