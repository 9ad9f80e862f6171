// Over 300 lines on purpose: one validator for the subset of JSON Schema that Qdrant's OpenAPI document uses; its keywords share one recursive walk.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CreatorChat.Retrieval.Tests.Support;

/// <summary>
/// Validates JSON against the schemas of an OpenAPI 3.0 document (here Qdrant's), with OpenAPI 3.0's
/// dialect: <c>nullable</c>, <c>$ref: #/components/schemas/X</c>, and <c>{ "nullable": true }</c> alone
/// inside <c>anyOf</c> meaning "or null". JsonSchema.Net was the plan, but it cannot be restored from
/// this machine's NuGet mirror (its dependency JsonPointer.Net is missing), so this covers exactly the
/// keywords the document uses; any other keyword throws <see cref="NotSupportedException"/> — a
/// constraint is never silently ignored.
/// <para>
/// Strict by default: an object schema that lists <c>properties</c> and says nothing about
/// <c>additionalProperties</c> rejects unknown properties, so a misspelt field in a request fails the
/// contract instead of being ignored by the server.
/// </para>
/// </summary>
public sealed partial class OpenApiSchemaValidator(JsonObject document, bool strict = true)
{
    private static readonly HashSet<string> Annotations = ["description", "default", "example", "deprecated", "title", "readOnly", "writeOnly"];

    private static readonly HashSet<string> Supported =
    [
        "$ref", "type", "nullable", "enum", "properties", "required", "additionalProperties", "items", "anyOf", "oneOf", "allOf",
        "minimum", "maximum", "minItems", "maxItems", "uniqueItems", "minLength", "maxLength", "format",
    ];

    public JsonObject Document { get; } = document;

    public static OpenApiSchemaValidator Load(string path) =>
        new(JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new InvalidDataException($"{path} is not a JSON object"));

    public JsonNode Schema(string name) =>
        Document["components"]?["schemas"]?[name] ?? throw new KeyNotFoundException($"No schema '{name}' in the document");

    /// <summary>Every violation as "path: message"; empty when valid.</summary>
    public IReadOnlyList<string> Validate(JsonNode? instance, JsonNode schema)
    {
        var errors = new List<string>();
        // Validate what goes over the wire: nodes built in code (JsonValue<int>…) are re-read as parsed JSON.
        Check(instance is null ? null : JsonNode.Parse(instance.ToJsonString()), schema, "$", errors, 0);
        return errors;
    }

    private void Check(JsonNode? instance, JsonNode schemaNode, string path, List<string> errors, int depth)
    {
        if (depth > 64)
        {
            throw new InvalidOperationException("Schema recursion too deep at " + path);
        }

        if (schemaNode is JsonValue flag && flag.TryGetValue<bool>(out var allowed))
        {
            if (!allowed)
            {
                errors.Add($"{path}: not allowed");
            }

            return;
        }

        var schema = schemaNode.AsObject();
        foreach (var (keyword, _) in schema)
        {
            if (!Supported.Contains(keyword) && !Annotations.Contains(keyword))
            {
                throw new NotSupportedException($"Schema keyword '{keyword}' (at {path}) is not supported by this validator.");
            }
        }

        if (schema["$ref"] is { } reference)
        {
            var target = reference.GetValue<string>();
            const string prefix = "#/components/schemas/";
            if (!target.StartsWith(prefix, StringComparison.Ordinal))
            {
                throw new NotSupportedException($"Only {prefix}* references are supported ('{target}' at {path}).");
            }

            Check(instance, Schema(target[prefix.Length..]), path, errors, depth + 1);
            return; // OpenAPI 3.0: siblings of $ref are ignored
        }

        var nullable = schema["nullable"]?.GetValue<bool>() == true;
        if (instance is null)
        {
            var onlyNullable = nullable && !schema.Any(p => p.Key != "nullable" && !Annotations.Contains(p.Key));
            if (nullable || onlyNullable)
            {
                return;
            }

            if (schema["type"] is not null || schema["properties"] is not null || schema["enum"] is not null || schema["items"] is not null)
            {
                errors.Add($"{path}: null is not allowed");
                return;
            }
        }
        else if (nullable && !schema.Any(p => p.Key != "nullable" && !Annotations.Contains(p.Key)))
        {
            errors.Add($"{path}: must be null");
            return;
        }

        if (schema["type"] is { } type && instance is not null)
        {
            var expected = type.GetValue<string>();
            if (!HasType(instance, expected))
            {
                errors.Add($"{path}: expected {expected}, got {Describe(instance)}");
                return;
            }
        }

        if (schema["enum"] is JsonArray values && !values.Any(v => JsonNode.DeepEquals(v, instance)))
        {
            errors.Add($"{path}: {Describe(instance)} is not one of {values.ToJsonString()}");
        }

        if (schema["format"] is { } format && instance is JsonValue formatted)
        {
            CheckFormat(formatted, format.GetValue<string>(), path, errors);
        }

        if (instance is JsonValue number && number.GetValueKind() == JsonValueKind.Number)
        {
            var value = number.GetValue<double>();
            if (schema["minimum"] is { } min && value < min.GetValue<double>())
            {
                errors.Add($"{path}: {value} is below the minimum {min}");
            }

            if (schema["maximum"] is { } max && value > max.GetValue<double>())
            {
                errors.Add($"{path}: {value} is above the maximum {max}");
            }
        }

        if (instance is JsonValue text && text.GetValueKind() == JsonValueKind.String)
        {
            var length = text.GetValue<string>().Length;
            if (schema["minLength"] is { } minLength && length < minLength.GetValue<int>())
            {
                errors.Add($"{path}: shorter than {minLength}");
            }

            if (schema["maxLength"] is { } maxLength && length > maxLength.GetValue<int>())
            {
                errors.Add($"{path}: longer than {maxLength}");
            }
        }

        if (instance is JsonArray array)
        {
            if (schema["minItems"] is { } minItems && array.Count < minItems.GetValue<int>())
            {
                errors.Add($"{path}: fewer than {minItems} items");
            }

            if (schema["maxItems"] is { } maxItems && array.Count > maxItems.GetValue<int>())
            {
                errors.Add($"{path}: more than {maxItems} items");
            }

            if (schema["uniqueItems"]?.GetValue<bool>() == true)
            {
                for (var i = 0; i < array.Count; i++)
                {
                    for (var j = i + 1; j < array.Count; j++)
                    {
                        if (JsonNode.DeepEquals(array[i], array[j]))
                        {
                            errors.Add($"{path}: items {i} and {j} are equal but must be unique");
                        }
                    }
                }
            }

            if (schema["items"] is { } items)
            {
                for (var i = 0; i < array.Count; i++)
                {
                    Check(array[i], items, $"{path}[{i}]", errors, depth + 1);
                }
            }
        }

        if (instance is JsonObject obj)
        {
            var properties = schema["properties"] as JsonObject;
            foreach (var required in schema["required"]?.AsArray() ?? [])
            {
                var name = required!.GetValue<string>();
                if (!obj.ContainsKey(name))
                {
                    errors.Add($"{path}: missing required property '{name}'");
                }
            }

            foreach (var (name, value) in obj)
            {
                if (properties?[name] is { } propertySchema)
                {
                    Check(value, propertySchema, $"{path}.{name}", errors, depth + 1);
                }
                else if (schema["additionalProperties"] is { } additional)
                {
                    Check(value, additional, $"{path}.{name}", errors, depth + 1);
                }
                else if (strict && properties is not null)
                {
                    errors.Add($"{path}: unknown property '{name}'");
                }
            }
        }

        if (schema["allOf"] is JsonArray allOf)
        {
            foreach (var part in allOf)
            {
                Check(instance, part!, path, errors, depth + 1);
            }
        }

        if (schema["anyOf"] is JsonArray anyOf)
        {
            var branches = anyOf.Select(b => Validate(instance, b!)).ToList();
            if (branches.All(b => b.Count > 0))
            {
                errors.Add($"{path}: matches none of anyOf ({string.Join(" | ", branches.Select(b => b[0]))})");
            }
        }

        if (schema["oneOf"] is JsonArray oneOf)
        {
            var matches = oneOf.Count(b => Validate(instance, b!).Count == 0);
            if (matches != 1)
            {
                errors.Add($"{path}: matches {matches} of oneOf, must match exactly one");
            }
        }
    }

    private static bool HasType(JsonNode instance, string type) => type switch
    {
        "object" => instance is JsonObject,
        "array" => instance is JsonArray,
        "string" => instance is JsonValue v && v.GetValueKind() == JsonValueKind.String,
        "boolean" => instance is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
        "number" => instance is JsonValue v && v.GetValueKind() == JsonValueKind.Number,
        "integer" => instance is JsonValue v && v.GetValueKind() == JsonValueKind.Number && IsWhole(v.GetValue<double>()),
        _ => throw new NotSupportedException($"Type '{type}' is not supported."),
    };

    private static bool IsWhole(double value) => Math.Abs(value % 1) < double.Epsilon;

    private static void CheckFormat(JsonValue value, string format, string path, List<string> errors)
    {
        var kind = value.GetValueKind();
        switch (format)
        {
            case "uuid" when kind == JsonValueKind.String:
                if (!Guid.TryParseExact(value.GetValue<string>(), "D", out _))
                {
                    errors.Add($"{path}: '{value}' is not a uuid");
                }

                break;
            case "date-time" when kind == JsonValueKind.String:
                if (!DateTimeOffset.TryParse(value.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                {
                    errors.Add($"{path}: '{value}' is not a date-time");
                }

                break;
            case "uint" or "uint64" or "uint32" or "uint8" when kind == JsonValueKind.Number:
                var number = value.GetValue<double>();
                var max = format switch { "uint8" => byte.MaxValue, "uint32" => uint.MaxValue, _ => double.MaxValue };
                if (number < 0 || !IsWhole(number) || number > max)
                {
                    errors.Add($"{path}: {number} is not a {format}");
                }

                break;
            case "int64" when kind == JsonValueKind.Number:
                if (!IsWhole(value.GetValue<double>()))
                {
                    errors.Add($"{path}: {value} is not an int64");
                }

                break;
            case "float" or "double" when kind == JsonValueKind.Number:
                break;
            case "uri" when kind == JsonValueKind.String:
                if (!Uri.TryCreate(value.GetValue<string>(), UriKind.Absolute, out _))
                {
                    errors.Add($"{path}: '{value}' is not a URI");
                }

                break;
            case "partial-date-time" when kind == JsonValueKind.String:
                if (!PartialDateTime().IsMatch(value.GetValue<string>()))
                {
                    errors.Add($"{path}: '{value}' is not a partial date-time");
                }

                break;
            default:
                if (format is not ("uuid" or "date-time" or "uint" or "uint64" or "uint32" or "uint8" or "int64" or "float" or "double" or "uri" or "partial-date-time"))
                {
                    throw new NotSupportedException($"Format '{format}' (at {path}) is not supported by this validator.");
                }

                break; // a format applies only to its own type; the type check reports mismatches
        }
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$")]
    private static partial Regex PartialDateTime();

    private static string Describe(JsonNode? node) => node is null ? "null" : node.GetValueKind().ToString().ToLowerInvariant() + " " + Shorten(node.ToJsonString());

    private static string Shorten(string value) => value.Length <= 60 ? value : value[..57] + "...";
}
