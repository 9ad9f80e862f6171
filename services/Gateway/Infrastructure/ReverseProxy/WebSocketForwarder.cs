using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using CreatorChat.ServiceDefaults.Discovery;

namespace CreatorChat.Gateway.Infrastructure.ReverseProxy;

/// <summary>
/// Forwards a WebSocket to a service replica: opens the upstream socket first (relaying the
/// <c>access_token</c> query parameter and the Authorization header, so the service authenticates
/// the user itself), then accepts the client's socket and relays frames both ways as they come —
/// text or binary, fragment by fragment — until either side closes, whose close status is passed
/// on to the other. A replica that cannot be reached is a 503 problem before the upgrade; a refusal
/// (401, 400, …) is relayed as the same status.
/// </summary>
public sealed class WebSocketForwarder(ServiceEndpointResolver resolver, ProxyMetrics metrics, ILogger<WebSocketForwarder> logger)
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(20);
    private const int BufferSize = 16 * 1024;

    private static readonly string[] RelayedHeaders = ["Authorization", "Accept-Language", "User-Agent"];

    public async Task ForwardAsync(HttpContext context, string service)
    {
        var started = Stopwatch.GetTimestamp();
        var status = StatusCodes.Status101SwitchingProtocols;
        try
        {
            status = await RelayAsync(context, service);
        }
        finally
        {
            metrics.Record(service, "WEBSOCKET", status, Stopwatch.GetElapsedTime(started));
        }
    }

    private async Task<int> RelayAsync(HttpContext context, string service)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "WebSocket required",
                detail: "Connect to this endpoint with a WebSocket upgrade request.").ExecuteAsync(context);
            return StatusCodes.Status400BadRequest;
        }

        var incoming = context.Request;
        var resolved = resolver.Resolve(new Uri($"http://{service}{incoming.Path.ToUriComponent()}{incoming.QueryString.ToUriComponent()}"));
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

        foreach (var protocol in context.WebSockets.WebSocketRequestedProtocols)
        {
            upstream.Options.AddSubProtocol(protocol);
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
        var toUpstream = PumpAsync(client, upstream, session.Token);
        var toClient = PumpAsync(upstream, client, session.Token);

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

    /// <summary>Copies frames from one socket to the other until the source closes or fails.</summary>
    private static async Task PumpAsync(WebSocket source, WebSocket destination, CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        try
        {
            while (true)
            {
                var result = await source.ReceiveAsync(buffer.AsMemory(), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (destination.State is WebSocketState.Open or WebSocketState.CloseReceived)
                    {
                        await destination.CloseOutputAsync(
                            source.CloseStatus ?? WebSocketCloseStatus.NormalClosure, source.CloseStatusDescription, cancellationToken);
                    }

                    return;
                }

                await destination.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // One side vanished without a close: end the other side too.
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
    }

    private static string ReasonPhrase(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
}
