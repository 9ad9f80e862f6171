using System.Text.Json;
using System.Text.Json.Serialization;

namespace CreatorChat.ServiceDefaults.Http;

/// <summary>
/// Applies <see cref="RequestText"/> to every string a request body binds to, typed (<c>string</c>
/// properties) or raw (<c>JsonElement</c> bodies that handlers parse themselves). Writing is unchanged.
/// </summary>
public sealed class RequestTextStringConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? RequestText.ReadString(ref reader)
            : throw new JsonException($"Expected a string, got {reader.TokenType}.");

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        RequestText.ReadString(ref reader);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);
}

/// <inheritdoc cref="RequestTextStringConverter"/>
public sealed class RequestTextJsonElementConverter : JsonConverter<JsonElement>
{
    public override JsonElement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var element = JsonElement.ParseValue(ref reader);
        RequestText.Validate(element);
        return element;
    }

    public override void Write(Utf8JsonWriter writer, JsonElement value, JsonSerializerOptions options) => value.WriteTo(writer);
}
