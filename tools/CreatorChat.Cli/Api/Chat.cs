namespace CreatorChat.Cli.Api;

public sealed record ChatRequest(string CreatorId, string Message, Guid? ConversationId);

public sealed record Citation(int Number, string VideoId, string Title, double StartSeconds, string Url, string? Quote);

public sealed record ChatAnswer(Guid? ConversationId, Guid MessageId, string Response, IReadOnlyList<Citation> Citations, bool Cached, string? Status);

public sealed record ChatDone(Guid? ConversationId, Guid MessageId, bool Cached, string? Status);

/// <summary>One server-sent event of a streamed answer.</summary>
public abstract record ChatEvent
{
    public sealed record Delta(string Text) : ChatEvent;

    public sealed record Citations(IReadOnlyList<Citation> Items) : ChatEvent;

    public sealed record Done(ChatDone Turn) : ChatEvent;
}

public sealed record Feedback(int Rating, string? Comment, DateTimeOffset? CreatedAt);

public sealed record Message(Guid Id, string Role, string Content, IReadOnlyList<Citation> Citations, DateTimeOffset CreatedAt, Feedback? Feedback);

public sealed record FeedbackRequest(int Rating, string? Comment);
