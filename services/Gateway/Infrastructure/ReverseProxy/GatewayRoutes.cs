using CreatorChat.Gateway.Model;

namespace CreatorChat.Gateway.Infrastructure.ReverseProxy;

/// <summary>
/// The public surface, one line per route family. Anything not listed here (for example the
/// services' <c>/internal/**</c> routes) is unreachable from outside.
/// </summary>
public static class GatewayRoutes
{
    public const string Creator = "creator";
    public const string Chat = "chat";
    public const string Retrieval = "retrieval";

    /// <summary>The services whose OpenAPI documents make up the public one.</summary>
    public static readonly IReadOnlyList<string> Services = [Creator, Retrieval, Chat];

    public static readonly IReadOnlyList<ProxyRoute> All =
    [
        new("/api/v1/creators/{**rest}", Creator),

        // Knowledge (retrieval): more specific than the creator catch-all, so routing prefers them.
        new("/api/v1/creators/{slug}/videos/{**rest}", Retrieval),
        new("/api/v1/creators/{slug}/search", Retrieval),
        new("/api/v1/jobs/{**rest}", Retrieval),

        // Chat: messages (JSON/SSE), conversations, feedback, insights and the OpenAI-compatible API.
        new("/api/v1/chat", Chat),
        new("/api/v1/conversations/{**rest}", Chat),
        new("/api/v1/messages/{**rest}", Chat),
        new("/api/v1/creators/{slug}/insights", Chat),
        new("/v1/{**rest}", Chat),
    ];
}
