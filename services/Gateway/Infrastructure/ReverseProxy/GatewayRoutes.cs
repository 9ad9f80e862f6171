using CreatorChat.Gateway.Model;
using CreatorChat.ServiceDefaults.Model;

namespace CreatorChat.Gateway.Infrastructure.ReverseProxy;

/// <summary>
/// The public surface, one line per route family. Anything not listed here (for example the
/// services' <c>/internal/**</c> routes) is unreachable from outside.
/// </summary>
public static class GatewayRoutes
{
    public static readonly IReadOnlyList<ProxyRoute> All =
    [
        new("/api/v1/creators/{**rest}", ServiceNames.Creator),

        // Knowledge (retrieval): more specific than the creator catch-all, so routing prefers them.
        new("/api/v1/creators/{slug}/videos/{**rest}", ServiceNames.Retrieval),
        new("/api/v1/creators/{slug}/search", ServiceNames.Retrieval),
        new("/api/v1/jobs/{**rest}", ServiceNames.Retrieval),

        // Chat: messages (JSON/SSE), conversations, feedback, insights and the OpenAI-compatible API.
        // The limits count what these routes match (every spelling routing accepts), never a path string.
        new("/api/v1/chat", ServiceNames.Chat, ChatMessage: true),
        new("/v1/chat/completions", ServiceNames.Chat, ChatMessage: true),
        new("/api/v1/conversations/{**rest}", ServiceNames.Chat),
        new("/api/v1/messages/{**rest}", ServiceNames.Chat),
        new("/api/v1/creators/{slug}/insights", ServiceNames.Chat),
        new("/v1/{**rest}", ServiceNames.Chat),
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
