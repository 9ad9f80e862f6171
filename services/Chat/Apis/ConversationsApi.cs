using System.Buffers.Text;
using System.Globalization;
using System.Security.Claims;
using System.Text;
using CreatorChat.Chat.Infrastructure;
using CreatorChat.Chat.Model;
using CreatorChat.ServiceDefaults.Model;
using CreatorChat.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CreatorChat.Chat.Apis;

/// <summary>A fan's own conversations. Someone else's conversation looks exactly like a missing one.</summary>
public static class ConversationsApi
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;
    public const int MaxMessages = 1000;

    public static IEndpointRouteBuilder MapConversationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/conversations").WithTags("Conversations").RequireAuthorization();
        api.MapGet("/", ListConversations).WithName("ListConversations").WithSummary("My conversations, most recent first (paged with ?cursor=)");
        api.MapGet("/{id}/messages", ListMessages).WithName("ListMessages").WithSummary("A conversation's messages, oldest first");
        api.MapDelete("/{id}", DeleteConversation).WithName("DeleteConversation");
        return app;
    }

    public static async Task<Results<Ok<ConversationPage>, ValidationProblem>> ListConversations(
        ClaimsPrincipal user, ConversationStore store, CancellationToken cancellationToken,
        string? cursor = null, int? limit = null, [FromQuery(Name = "creatorId")] string? creatorSlug = null)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var size = limit ?? DefaultPageSize;
        if (size is < 1 or > MaxPageSize)
        {
            errors["limit"] = [$"Must be between 1 and {MaxPageSize}."];
        }

        (DateTimeOffset, Guid)? after = null;
        if (cursor is not null)
        {
            after = DecodeCursor(cursor);
            if (after is null)
            {
                errors["cursor"] = ["Not a cursor from a previous page."];
            }
        }

        if (creatorSlug is not null && !CreatorSlug.IsValid(creatorSlug))
        {
            errors["creator_id"] = ["Not a creator slug."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var rows = await store.ListConversationsAsync(user.GetUserId()!.Value, creatorSlug, after, size + 1, cancellationToken);
        var page = rows.Take(size).Select(ConversationView.From).ToList();
        var next = rows.Count > size ? EncodeCursor(rows[size - 1].UpdatedAt, rows[size - 1].Id) : null;
        return TypedResults.Ok(new ConversationPage(page, next));
    }

    public static async Task<Results<Ok<List<MessageView>>, ProblemHttpResult>> ListMessages(
        string id, ClaimsPrincipal user, ConversationStore store, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var conversationId))
        {
            return NotFound(id);
        }

        var rows = await store.GetMessagesAsync(user.GetUserId()!.Value, conversationId, MaxMessages, cancellationToken);
        return rows is null ? NotFound(id) : TypedResults.Ok(rows.Select(MessageView.From).ToList());
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteConversation(
        string id, ClaimsPrincipal user, ConversationStore store, CancellationToken cancellationToken)
    {
        return Guid.TryParse(id, out var conversationId) && await store.DeleteConversationAsync(user.GetUserId()!.Value, conversationId, cancellationToken)
            ? TypedResults.NoContent()
            : NotFound(id);
    }

    internal static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Conversation not found", detail: $"No conversation '{id}'.");

    // The cursor is opaque to clients: "<updated_at ticks>_<id>" in base64url.
    public static string EncodeCursor(DateTimeOffset updatedAt, Guid id) =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{updatedAt.UtcTicks}_{id:N}")));

    public static (DateTimeOffset, Guid)? DecodeCursor(string cursor)
    {
        try
        {
            var text = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(cursor));
            var parts = text.Split('_');
            if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) &&
                ticks >= DateTimeOffset.MinValue.UtcTicks && ticks <= DateTimeOffset.MaxValue.UtcTicks &&
                Guid.TryParseExact(parts[1], "N", out var id))
            {
                return (new DateTimeOffset(ticks, TimeSpan.Zero), id);
            }
        }
        catch (FormatException)
        {
        }

        return null;
    }
}
