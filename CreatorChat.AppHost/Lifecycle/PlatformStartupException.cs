namespace CreatorChat.AppHost;

/// <summary>Something the person running the AppHost has to fix; its message says what. The AppHost prints it and exits with 1.</summary>
public sealed class PlatformStartupException(string message) : Exception(message);
