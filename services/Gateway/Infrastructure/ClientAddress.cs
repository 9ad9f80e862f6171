namespace CreatorChat.Gateway.Infrastructure;

public static class ClientAddress
{
    /// <summary>
    /// The caller's IP for per-IP limits and the audit log. Behind an ingress, configure
    /// ForwardedHeaders so that RemoteIpAddress is the real client, never a header the client sets itself.
    /// </summary>
    public static string Of(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
