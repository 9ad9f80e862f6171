using System.Text.Json;

namespace CreatorChat.ServiceDefaults.Http;

/// <summary>
/// The one rule for text a client sends us, in a JSON body, a query string or a path: it is valid
/// Unicode (no invalid UTF-8, no unpaired surrogate) and holds no NUL, which PostgreSQL cannot store.
/// Breaking it is the client's mistake (400), never a 500 from deep inside a handler.
/// </summary>
public static class RequestText
{
    public const string InvalidUnicode = "is not valid Unicode text (invalid UTF-8 or an unpaired surrogate)";
    public const string ContainsNul = "contains a NUL character (\\u0000), which is not allowed";

    /// <summary>What is wrong with <paramref name="value"/>, or null when it follows the rule.</summary>
    public static string? Problem(string value)
    {
        if (value.Contains('\0'))
        {
            return ContainsNul;
        }

        return IsWellFormed(value) ? null : InvalidUnicode;
    }

    private static bool IsWellFormed(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads the current JSON string token under the rule; a breach is a <see cref="JsonException"/> (a 400).</summary>
    public static string ReadString(ref Utf8JsonReader reader)
    {
        string value;
        try
        {
            value = reader.GetString()!;
        }
        catch (InvalidOperationException ex) when (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
        {
            // System.Text.Json reports invalid UTF-8 and lone surrogate escapes only when it transcodes.
            throw new JsonException($"A JSON string {InvalidUnicode}.", ex);
        }

        return Problem(value) is { } problem ? throw new JsonException($"A JSON string {problem}.") : value;
    }

    /// <summary>Checks every string and property name in a parsed JSON value; a breach is a <see cref="JsonException"/>.</summary>
    public static void Validate(JsonElement element, string path = "$")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                Check(() => element.GetString()!, path);
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Validate(item, $"{path}[{index++}]");
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var name = Check(() => property.Name, path);
                    Validate(property.Value, $"{path}.{name}");
                }

                break;
        }
    }

    private static string Check(Func<string> read, string path)
    {
        string value;
        try
        {
            value = read();
        }
        catch (InvalidOperationException ex)
        {
            throw new JsonException($"The JSON string at {path} {InvalidUnicode}.", ex);
        }

        return Problem(value) is { } problem ? throw new JsonException($"The JSON string at {path} {problem}.") : value;
    }
}
