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
        // The limits count what these routes match (every spelling routing accepts), never a path string.
        new("/api/v1/chat", Chat, ChatMessage: true),
        new("/v1/chat/completions", Chat, ChatMessage: true),
        new("/api/v1/conversations/{**rest}", Chat),
        new("/api/v1/messages/{**rest}", Chat),
        new("/api/v1/creators/{slug}/insights", Chat),
        new("/v1/{**rest}", Chat),
    ];

    /// <summary>
    /// A path a service would read exactly as the gateway routed it: no empty segment (<c>//</c>) and no
    /// encoded or back slash that a service might decode into another route. Dot segments are already
    /// resolved by the server.
    /// </summary>
    public static bool IsCanonical(PathString path) =>
        path.Value is not { } value ||
        (!value.Contains("//", StringComparison.Ordinal) && !value.Contains('\\', StringComparison.Ordinal) &&
         !value.Contains("%2F", StringComparison.OrdinalIgnoreCase) && !value.Contains("%5C", StringComparison.OrdinalIgnoreCase));
}
