namespace CreatorChat.Gateway.Model;

/// <summary>A public route pattern and the service that owns it.</summary>
public sealed record ProxyRoute(string Pattern, string Service);
