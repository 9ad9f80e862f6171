using System.Text.Json;

namespace CreatorChat.Cli.Api;

/// <summary>One line from an RFC 7807 problem: its <c>detail</c> (or title) and the first field error.</summary>
public static class ProblemText
{
    public static string? From(string? mediaType, string body)
    {
        if (mediaType is not ("application/problem+json" or "application/json") || string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var text = Text(root, "detail") ?? Text(root, "title");
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in errors.EnumerateObject())
                {
                    var first = field.Value.ValueKind == JsonValueKind.Array && field.Value.GetArrayLength() > 0 ? field.Value[0].GetString() : null;
                    if (first is not null)
                    {
                        text = text is null ? $"{field.Name}: {first}" : $"{text.TrimEnd('.')} ({field.Name}: {first})";
                        break;
                    }
                }
            }

            return text;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The details the platform gives a route it does not have (a 404 or 405 with nothing specific to say);
    /// any other detail explains a real miss, such as an unknown creator.
    /// </summary>
    private static readonly string[] NoSuchRouteDetails = ["There is nothing at this address.", "This method is not allowed here."];

    public static bool HasSpecificDetail(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && Text(document.RootElement, "detail") is { } detail
                && !NoSuchRouteDetails.Contains(detail, StringComparer.Ordinal);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } s ? s : null;
}
