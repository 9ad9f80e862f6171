using System.Net.WebSockets;

namespace CreatorChat.Gateway.Infrastructure.ReverseProxy;

/// <summary>
/// What happens to one client WebSocket message: relayed as is, or answered here with
/// <see cref="Reply"/> (never relayed), and then the socket closed when <see cref="Close"/> is set.
/// </summary>
public sealed record SocketVerdict(byte[]? Reply, WebSocketCloseStatus? Close = null, string? CloseReason = null)
{
    public static readonly SocketVerdict Relay = new(Reply: null);

    public bool Relays => Reply is null && Close is null;
}
