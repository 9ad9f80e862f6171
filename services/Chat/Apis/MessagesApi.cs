using System.Security.Claims;
using System.Text.Json;
using CreatorChat.Chat.Infrastructure;
using CreatorChat.Chat.Model;
using CreatorChat.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CreatorChat.Chat.Apis;

public static class MessagesApi
{
    public static IEndpointRouteBuilder MapMessagesApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/messages/{id}/feedback", Feedback)
            .WithName("MessageFeedback")
            .WithTags("Conversations")
            .WithSummary("Thumbs up (1) or down (-1) for an answer, with an optional comment; sending again replaces it")
            .Accepts<FeedbackRequest>("application/json")
            .RequireAuthorization();
        return app;
    }

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Feedback(
        string id, [FromBody] JsonElement body, ClaimsPrincipal user, ConversationStore store, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var (rating, comment) = Parse(body, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (!Guid.TryParse(id, out var messageId))
        {
            return NotFound(id);
        }

        var role = await store.SetFeedbackAsync(user.GetUserId()!.Value, messageId, rating, comment, timeProvider.GetUtcNow(), cancellationToken);
        return role switch
        {
            null => NotFound(id),
            MessageRoles.User => TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["id"] = ["Feedback is for the creator's answers, not your own messages."] }),
            _ => TypedResults.NoContent(),
        };
    }

    private static (short Rating, string? Comment) Parse(JsonElement body, Dictionary<string, string[]> errors)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors["body"] = ["The body must be a JSON object."];
            return (0, null);
        }

        short rating = 0;
        string? comment = null;
        var sawRating = false;
        foreach (var property in body.EnumerateObject())
        {
            switch (property.Name)
            {
                case "rating":
                    sawRating = true;
                    if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt16(out rating) || rating is not (1 or -1))
                    {
                        errors["rating"] = ["Must be 1 (thumbs up) or -1 (thumbs down)."];
                    }

                    break;
                case "comment":
                    if (property.Value.ValueKind == JsonValueKind.Null)
                    {
                        break;
                    }

                    if (property.Value.ValueKind != JsonValueKind.String)
                    {
                        errors["comment"] = ["Must be a string."];
                        break;
                    }

                    comment = property.Value.GetString()!.Trim();
                    if (comment.Length > ChatLimits.FeedbackCommentMaxLength)
                    {
                        errors["comment"] = [$"At most {ChatLimits.FeedbackCommentMaxLength} characters."];
                    }
                    else if (comment.Contains('\0', StringComparison.Ordinal))
                    {
                        errors["comment"] = ["Control character U+0000 is not allowed."];
                    }

                    comment = comment.Length == 0 ? null : comment;
                    break;
                default:
                    errors[property.Name] = ["Unknown field."];
                    break;
            }
        }

        if (!sawRating)
        {
            errors["rating"] = ["Required: 1 or -1."];
        }

        return (rating, comment);
    }

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Message not found", detail: $"No message '{id}'.");
}
