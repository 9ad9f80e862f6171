using System.Text;
using System.Text.Json;
using CreatorChat.Chat.Model;
using CreatorChat.ServiceDefaults.Model;

namespace CreatorChat.Chat.Apis;

/// <summary>
/// Reads a <c>/v1/chat/completions</c> body into a <see cref="CompletionRequest"/>, reporting every
/// mistake as a field error. Parameters OpenAI-compatible servers commonly ignore are accepted and ignored.
/// </summary>
public static class OpenAiRequestParser
{
    public const int MaxHistoryMessageLength = 16_000;

    public static CompletionRequest? Parse(JsonElement body, Dictionary<string, string[]> errors)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors["body"] = ["The body must be a JSON object."];
            return null;
        }

        string? model = null;
        var stream = false;
        var includeUsage = false;
        int? maxTokens = null;
        JsonElement? messages = null;
        foreach (var property in body.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "model":
                    model = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
                    if (model is null)
                    {
                        errors["model"] = ["Must be a string: the creator's slug."];
                    }

                    break;
                case "messages":
                    messages = value;
                    break;
                case "stream":
                    if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                    {
                        stream = value.GetBoolean();
                    }
                    else if (value.ValueKind != JsonValueKind.Null)
                    {
                        errors["stream"] = ["Must be a boolean."];
                    }

                    break;
                case "stream_options":
                    if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("include_usage", out var usage) && usage.ValueKind is JsonValueKind.True)
                    {
                        includeUsage = true;
                    }
                    else if (value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
                    {
                        errors["stream_options"] = ["Must be an object."];
                    }

                    break;
                case "max_tokens" or "max_completion_tokens":
                    if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var max) && max is >= 1 and <= 100_000)
                    {
                        maxTokens = max;
                    }
                    else if (value.ValueKind != JsonValueKind.Null)
                    {
                        errors[property.Name] = ["Must be an integer between 1 and 100000."];
                    }

                    break;
                case "n":
                    if (value.ValueKind != JsonValueKind.Null && !(value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n == 1))
                    {
                        errors["n"] = ["Only n = 1 is supported."];
                    }

                    break;
                case "tools" or "functions":
                    if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0)
                    {
                        errors[property.Name] = ["Tools are not supported: creators answer from their videos."];
                    }

                    break;
                default:
                    // temperature, top_p, user, seed, … are accepted and ignored, as many OpenAI-compatible servers do.
                    break;
            }
        }

        if (model is not null && !CreatorSlug.IsValid(model))
        {
            errors["model"] = ["Not a creator slug; GET /v1/models lists them."];
        }
        else if (model is null)
        {
            errors.TryAdd("model", ["Required: the creator's slug (GET /v1/models lists them)."]);
        }

        var history = ReadMessages(messages, errors, out var question);
        return errors.Count == 0 ? new CompletionRequest(model!, question!, history, stream, includeUsage, maxTokens) : null;
    }

    private static List<HistoryTurn> ReadMessages(JsonElement? messages, Dictionary<string, string[]> errors, out string? question)
    {
        question = null;
        if (messages is not { ValueKind: JsonValueKind.Array } array || array.GetArrayLength() == 0)
        {
            errors["messages"] = ["Required: a non-empty array of {role, content}."];
            return [];
        }

        if (array.GetArrayLength() > ChatLimits.MaxOpenAiMessages)
        {
            errors["messages"] = [$"At most {ChatLimits.MaxOpenAiMessages} messages."];
            return [];
        }

        var turns = new List<HistoryTurn>();
        var index = 0;
        foreach (var message in array.EnumerateArray())
        {
            var field = $"messages[{index++}]";
            if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("role", out var roleElement) || roleElement.ValueKind != JsonValueKind.String)
            {
                errors[field] = ["Must be an object with a string role."];
                continue;
            }

            var role = roleElement.GetString();
            if (role is not ("system" or "developer" or "user" or "assistant" or "tool" or "function"))
            {
                errors[field + ".role"] = ["Must be system, developer, user, assistant or tool."];
                continue;
            }

            var content = ReadContent(message, field, errors);
            if (content is null || role is "system" or "developer" or "tool" or "function")
            {
                // The creator's persona and rules are the system prompt; clients' system messages cannot replace them.
                continue;
            }

            if (content.Length > MaxHistoryMessageLength || content.Contains('\0', StringComparison.Ordinal))
            {
                errors[field + ".content"] = [$"At most {MaxHistoryMessageLength} characters, no U+0000."];
                continue;
            }

            turns.Add(new HistoryTurn(role == "assistant" ? MessageRoles.Assistant : MessageRoles.User, content));
        }

        if (errors.Count > 0)
        {
            return [];
        }

        if (turns.Count == 0 || turns[^1].Role != MessageRoles.User)
        {
            errors["messages"] = ["The last message must be the user's question."];
            return [];
        }

        question = turns[^1].Content;
        ChatRequestParser.ValidateMessage(question, errors, $"messages[{index - 1}].content");
        turns.RemoveAt(turns.Count - 1);
        return turns;
    }

    private static string? ReadContent(JsonElement message, string field, Dictionary<string, string[]> errors)
    {
        if (!message.TryGetProperty("content", out var content) || content.ValueKind == JsonValueKind.Null)
        {
            return "";
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString();
        }

        if (content.ValueKind == JsonValueKind.Array)
        {
            var text = new StringBuilder();
            foreach (var part in content.EnumerateArray())
            {
                if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String &&
                    type.GetString() == "text" && part.TryGetProperty("text", out var partText) && partText.ValueKind == JsonValueKind.String)
                {
                    text.Append(partText.GetString());
                }
                else
                {
                    errors[field + ".content"] = ["Only text content parts are supported."];
                    return null;
                }
            }

            return text.ToString();
        }

        errors[field + ".content"] = ["Must be a string or an array of text parts."];
        return null;
    }
}
