using System.Text.Json;
using System.Text.Json.Serialization;

namespace CreatorChat.Chat.Model;

public sealed record CitationView(int Number, string VideoId, string Title, double StartSeconds, string Url, string Quote)
{
    public static CitationView From(Citation c) => new(c.Number, c.VideoId, c.Title, c.StartSeconds, c.Url, c.Quote);
}

public sealed record UsageView(long? InputTokens, long? OutputTokens, long? TotalTokens)
{
    public static UsageView? From(TokenUsage? usage) => usage is null ? null : new UsageView(usage.InputTokens, usage.OutputTokens, usage.TotalTokens);
}

/// <summary><c>POST /api/v1/chat</c> with <c>Accept: application/json</c>.</summary>
public sealed record ChatResponseView(
    Guid? ConversationId, Guid MessageId, string Response, IReadOnlyList<CitationView> Citations, bool Cached, UsageView? Usage, string Status,
    bool Degraded)
{
    public static ChatResponseView From(TurnResult result) =>
        new(result.ConversationId, result.AnswerId, result.Text, result.Citations.Select(CitationView.From).ToList(), result.Cached,
            UsageView.From(result.Usage), result.Status, result.Degraded);
}

public sealed record ConversationView(Guid Id, [property: JsonPropertyName("creator_id")] string CreatorSlug, string Title, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ConversationView From(ConversationRow row) => new(row.Id, row.CreatorSlug, row.Title, row.CreatedAt, row.UpdatedAt);
}

public sealed record ConversationPage(IReadOnlyList<ConversationView> Items, string? NextCursor);

public sealed record FeedbackView(int Rating, string? Comment, DateTimeOffset? CreatedAt);

public sealed record MessageView(
    Guid Id, string Role, string Content, IReadOnlyList<CitationView> Citations, DateTimeOffset CreatedAt, FeedbackView? Feedback, string Status,
    bool Degraded)
{
    public static MessageView From(MessageRow row) => new(
        row.Id, row.Role, row.Content,
        JsonSerializer.Deserialize<List<CitationView>>(row.Citations, Microsoft.Extensions.Hosting.ApiJson.Options) ?? [],
        row.CreatedAt,
        row.FeedbackRating is { } rating ? new FeedbackView(rating, row.FeedbackComment, row.FeedbackAt) : null,
        row.Status,
        row.Degraded);
}

public sealed record FeedbackRequest(int? Rating, string? Comment);

/// <summary>The server-sent events of <c>POST /api/v1/chat</c> that are records (<c>done</c>, <c>error</c>).</summary>
public sealed record DoneEvent(Guid? ConversationId, Guid MessageId, bool Cached, bool Degraded, UsageView? Usage, string Status);

public sealed record ErrorEvent(string Detail, Guid? ConversationId);
