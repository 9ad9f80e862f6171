namespace CreatorChat.DevHost.Topology;

/// <summary>
/// The same topology as <c>CreatorChat.AppHost</c> (and the Helm chart), for machines without Docker.
/// Every service also gets the Redis connection <c>cache</c>.
/// </summary>
public static class PlatformTopology
{
    public const string Cache = "cache";

    public static readonly IReadOnlyList<ServiceDefinition> Services =
    [
        new("creator", "Creator", 5301, ["creatordb"], []),
        new("retrieval", "Retrieval", 5303, ["retrievaldb"], ["creator"]),
        new("chat", "Chat", 5302, ["chatdb"], ["creator", "retrieval"]),
        new("gateway", "Gateway", 5300, ["identitydb"], ["creator", "chat", "retrieval"]),
    ];
}
