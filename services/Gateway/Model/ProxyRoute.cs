namespace CreatorChat.Gateway.Model;

/// <summary>A public route pattern, the service that owns it, and whether a POST to it is a chat message (counted by limits and quotas).</summary>
public sealed record ProxyRoute(string Pattern, string Service, bool ChatMessage = false);
