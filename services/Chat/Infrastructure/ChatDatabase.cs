namespace CreatorChat.Chat.Infrastructure;

/// <summary>The chat service's own database, <c>chatdb</c>; its schema lives in <c>Migrations/</c>.</summary>
public static class ChatDatabase
{
    public const string ConnectionName = "chatdb";
}
