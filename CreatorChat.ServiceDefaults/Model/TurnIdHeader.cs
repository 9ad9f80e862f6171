namespace CreatorChat.ServiceDefaults.Model;

/// <summary>
/// The header in which the gateway sends chat the id of one chat turn (a UUID v7 made once per client request, the same
/// on every retry of it); chat derives the turn's question and new conversation ids from it, so a retried turn is stored once.
/// </summary>
public static class TurnIdHeader
{
    public const string Name = "X-CreatorChat-Turn-Id";
}
