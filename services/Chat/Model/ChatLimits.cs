namespace CreatorChat.Chat.Model;

public static class ChatLimits
{
    /// <summary>A message is at most 4,000 characters (docs/ARCHITECTURE.md, "Public API in brief").</summary>
    public const int MessageMaxLength = 4000;

    public const int FeedbackCommentMaxLength = 2000;

    public const int TitleMaxLength = 80;

    /// <summary>Largest request body chat accepts (OpenAI-style requests carry their history).</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    /// <summary>OpenAI-style requests: at most this many messages.</summary>
    public const int MaxOpenAiMessages = 200;

    /// <summary>WebSocket frames from clients: at most this many bytes per message.</summary>
    public const int MaxSocketMessageBytes = 64 * 1024;
}
