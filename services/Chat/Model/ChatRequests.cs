using System.Text.Json;
using CreatorChat.ServiceDefaults.Model;

namespace CreatorChat.Chat.Model;

/// <summary><c>POST /api/v1/chat</c> and the WebSocket <c>message</c> frame: <c>{creator_id, message, conversation_id?}</c>.</summary>
public sealed record ChatTurnInput(string CreatorSlug, string Message, Guid? ConversationId);

public static class ChatRequestParser
{
    /// <summary>
    /// Reads and validates a chat request from raw JSON, so that every mistake (missing field, wrong
    /// type, bad id, too long) is reported as a field error instead of a generic "malformed body".
    /// </summary>
    public static ChatTurnInput? Parse(JsonElement body, IDictionary<string, string[]> errors, params string[] allowedExtraFields)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors["body"] = ["The body must be a JSON object."];
            return null;
        }

        string? creatorSlug = null, message = null;
        Guid? conversationId = null;
        foreach (var property in body.EnumerateObject())
        {
            switch (property.Name)
            {
                case "creator_id":
                    creatorSlug = ReadString(property, errors);
                    break;
                case "message":
                    message = ReadString(property, errors);
                    break;
                case "conversation_id":
                    if (property.Value.ValueKind == JsonValueKind.Null)
                    {
                        break;
                    }

                    if (property.Value.ValueKind != JsonValueKind.String || !Guid.TryParse(property.Value.GetString(), out var id))
                    {
                        errors["conversation_id"] = ["Must be a conversation id (a UUID) or absent."];
                    }
                    else
                    {
                        conversationId = id;
                    }

                    break;
                default:
                    if (!allowedExtraFields.Contains(property.Name))
                    {
                        errors[property.Name] = ["Unknown field."];
                    }

                    break;
            }
        }

        if (string.IsNullOrWhiteSpace(creatorSlug))
        {
            errors.TryAdd("creator_id", ["The creator's slug is required."]);
        }
        else if (!CreatorSlug.IsValid(creatorSlug))
        {
            errors["creator_id"] = [$"Not a creator slug ({CreatorSlug.Rule})."];
        }

        ValidateMessage(message, errors);
        return errors.Count == 0 ? new ChatTurnInput(creatorSlug!, message!, conversationId) : null;
    }

    public static void ValidateMessage(string? message, IDictionary<string, string[]> errors, string field = "message")
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            errors.TryAdd(field, ["A message is required."]);
        }
        else if (message.Length > ChatLimits.MessageMaxLength)
        {
            errors[field] = [$"At most {ChatLimits.MessageMaxLength} characters (this one has {message.Length})."];
        }
        else if (message.Contains('\0', StringComparison.Ordinal))
        {
            errors[field] = ["Control character U+0000 is not allowed."];
        }
    }

    private static string? ReadString(JsonProperty property, IDictionary<string, string[]> errors)
    {
        if (property.Value.ValueKind == JsonValueKind.String)
        {
            return property.Value.GetString();
        }

        errors[property.Name] = ["Must be a string."];
        return null;
    }
}
