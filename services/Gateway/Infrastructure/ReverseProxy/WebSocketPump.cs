using System.Net.WebSockets;

namespace CreatorChat.Gateway.Infrastructure.ReverseProxy;

/// <summary>
/// Moves frames between the client's and the replica's WebSocket for <see cref="WebSocketForwarder"/>: as they come,
/// or (when a filter must see them) client messages whole; closes are passed on, a vanished side ends the other.
/// </summary>
internal static class WebSocketPump
{
    private const int BufferSize = 16 * 1024;

    /// <summary>Copies frames from one socket to the other until the source closes or fails.</summary>
    public static async Task PumpAsync(WebSocket source, WebSocket destination, SemaphoreSlim? destinationSends, CancellationToken cancellationToken)
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
    public static async Task PumpFilteredAsync(
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
                if (message.Length > WebSocketForwarder.MaxFilteredMessageBytes)
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
}
