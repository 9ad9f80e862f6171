using StackExchange.Redis;

namespace CreatorChat.ServiceDefaults.Model;

/// <summary>
/// Retrieval announces on this Redis channel that a creator's knowledge changed (the message is the creator's
/// slug); chat listens and forgets that creator's knowledge version, so its cached answers stop being served.
/// </summary>
public static class KnowledgeChanged
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("creatorchat:knowledge-changed");
}
