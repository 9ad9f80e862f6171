using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CreatorChat.Deployment.Tests.Infrastructure;

/// <summary>
/// A JSON Schema draft-07 validator for exactly the keywords values.schema.json uses, so that
/// the tests enforce the schema the way `helm install` does (the offline helm-template does not
/// enforce it, and JsonSchema.Net cannot be restored from this project's NuGet mirror). Any
/// other keyword throws <see cref="NotSupportedException"/>: a constraint is never silently ignored.
/// </summary>
internal sealed class MiniJsonSchema
{
    private static readonly HashSet<string> Annotations = ["$schema", "$id", "title", "description", "definitions", "default", "examples", "$comment"];

    private readonly JsonObject _root;

    public MiniJsonSchema(JsonObject root)
    {
        _root = root;
        CheckKeywords(root, "#");
    }

    public static MiniJsonSchema Load(string path) =>
        new(JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new InvalidDataException($"{path} is not a JSON object"));

    /// <summary>Every violation as "path: message"; empty when the instance is valid.</summary>
    public IReadOnlyList<string> Validate(JsonNode? instance)
    {
        var errors = new List<string>();
        Validate(_root, instance, "", errors);
        return errors;
    }

    private static void CheckKeywords(JsonNode? schema, string where)
    {
        if (schema is not JsonObject o)
        {
            return;
        }

        foreach (var (keyword, value) in o)
        {
            switch (keyword)
            {
                case "type" or "enum" or "const" or "pattern" or "minLength" or "maxLength" or "minimum" or "maximum"
                    or "exclusiveMinimum" or "minItems" or "required" or "$ref":
                    break;
                case "properties" or "definitions":
                    foreach (var (name, sub) in value!.AsObject())
                    {
                        CheckKeywords(sub, $"{where}/{keyword}/{name}");
                    }

                    break;
                case "additionalProperties" or "items" or "propertyNames":
                    CheckKeywords(value, $"{where}/{keyword}");
                    break;
                case "oneOf" or "anyOf":
                    foreach (var sub in value!.AsArray())
                    {
                        CheckKeywords(sub, $"{where}/{keyword}");
                    }

                    break;
                default:
                    if (!Annotations.Contains(keyword))
                    {
                        throw new NotSupportedException($"values.schema.json uses '{keyword}' at {where}; teach MiniJsonSchema that keyword before relying on it");
                    }

                    break;
            }
        }
    }

    private void Validate(JsonNode schemaNode, JsonNode? instance, string path, List<string> errors)
    {
        if (schemaNode is JsonValue b && b.TryGetValue<bool>(out var allowed))
        {
            if (!allowed)
            {
                errors.Add($"{Show(path)}: not allowed");
            }

            return;
        }

        var schema = schemaNode.AsObject();
        if (schema["$ref"] is JsonNode reference)
        {
            Validate(Resolve(reference.GetValue<string>()), instance, path, errors);
        }

        if (schema["type"] is JsonNode type)
        {
            var types = type is JsonArray a ? a.Select(t => t!.GetValue<string>()).ToList() : [type.GetValue<string>()];
            if (!types.Any(t => HasType(instance, t)))
            {
                errors.Add($"{Show(path)}: {Describe(instance)} is not of type {string.Join(" or ", types)}");
                return;
            }
        }

        if (schema["enum"] is JsonArray options && !options.Any(o => JsonNode.DeepEquals(o, instance)))
        {
            errors.Add($"{Show(path)}: {Describe(instance)} is not one of {options.ToJsonString()}");
        }

        if (schema.ContainsKey("const") && !JsonNode.DeepEquals(schema["const"], instance))
        {
            errors.Add($"{Show(path)}: must be {schema["const"]?.ToJsonString() ?? "null"}, not {Describe(instance)}");
        }

        if (instance is JsonValue value && value.TryGetValue<string>(out var text))
        {
            var length = text.EnumerateRunes().Count();
            if (schema["minLength"] is JsonNode min && length < min.GetValue<int>())
            {
                errors.Add($"{Show(path)}: {Describe(instance)} is shorter than {min.GetValue<int>()} characters");
            }

            if (schema["maxLength"] is JsonNode max && length > max.GetValue<int>())
            {
                errors.Add($"{Show(path)}: {Describe(instance)} is longer than {max.GetValue<int>()} characters");
            }

            if (schema["pattern"] is JsonNode pattern && !Regex.IsMatch(text, pattern.GetValue<string>(), RegexOptions.None, TimeSpan.FromSeconds(1)))
            {
                errors.Add($"{Show(path)}: {Describe(instance)} does not match {pattern.GetValue<string>()}");
            }
        }

        if (instance is JsonValue n && TryNumber(n, out var number))
        {
            if (schema["minimum"] is JsonNode minimum && number < minimum.GetValue<double>())
            {
                errors.Add($"{Show(path)}: {Describe(instance)} is less than {minimum.GetValue<double>()}");
            }

            if (schema["maximum"] is JsonNode maximum && number > maximum.GetValue<double>())
            {
                errors.Add($"{Show(path)}: {Describe(instance)} is greater than {maximum.GetValue<double>()}");
            }

            if (schema["exclusiveMinimum"] is JsonNode exclusive && number <= exclusive.GetValue<double>())
            {
                errors.Add($"{Show(path)}: {Describe(instance)} must be greater than {exclusive.GetValue<double>()}");
            }
        }

        if (instance is JsonObject obj)
        {
            if (schema["required"] is JsonArray required)
            {
                foreach (var name in required.Select(r => r!.GetValue<string>()).Where(r => !obj.ContainsKey(r)))
                {
                    errors.Add($"{Show(path)}: missing required property '{name}'");
                }
            }

            var properties = schema["properties"]?.AsObject();
            foreach (var (name, child) in obj)
            {
                var childPath = $"{path}.{name}";
                if (schema["propertyNames"] is JsonNode names)
                {
                    Validate(names, JsonValue.Create(name), childPath, errors);
                }

                if (properties is not null && properties[name] is JsonNode propertySchema)
                {
                    Validate(propertySchema, child, childPath, errors);
                }
                else if (schema["additionalProperties"] is JsonNode additional)
                {
                    if (additional is JsonValue flag && flag.TryGetValue<bool>(out var ok) && !ok)
                    {
                        errors.Add($"{Show(path)}: unknown property '{name}' (allowed: {string.Join(", ", properties?.Select(p => p.Key) ?? [])})");
                    }
                    else
                    {
                        Validate(additional, child, childPath, errors);
                    }
                }
            }
        }

        if (instance is JsonArray array)
        {
            if (schema["minItems"] is JsonNode minItems && array.Count < minItems.GetValue<int>())
            {
                errors.Add($"{Show(path)}: needs at least {minItems.GetValue<int>()} item(s)");
            }

            if (schema["items"] is JsonNode items)
            {
                for (var i = 0; i < array.Count; i++)
                {
                    Validate(items, array[i], $"{path}[{i}]", errors);
                }
            }
        }

        if (schema["anyOf"] is JsonArray anyOf && !anyOf.Any(s => IsValid(s!, instance, path)))
        {
            errors.Add($"{Show(path)}: {Describe(instance)} matches none of the allowed forms ({Explain(anyOf, instance, path)})");
        }

        if (schema["oneOf"] is JsonArray oneOf)
        {
            var matches = oneOf.Count(s => IsValid(s!, instance, path));
            if (matches != 1)
            {
                errors.Add($"{Show(path)}: {Describe(instance)} must match exactly one allowed form, matches {matches} ({Explain(oneOf, instance, path)})");
            }
        }
    }

    private bool IsValid(JsonNode schema, JsonNode? instance, string path)
    {
        var errors = new List<string>();
        Validate(schema, instance, path, errors);
        return errors.Count == 0;
    }

    private string Explain(JsonArray alternatives, JsonNode? instance, string path)
    {
        var reasons = new List<string>();
        foreach (var alternative in alternatives)
        {
            var errors = new List<string>();
            Validate(alternative!, instance, path, errors);
            reasons.AddRange(errors);
        }

        return string.Join("; ", reasons.Distinct());
    }

    private JsonNode Resolve(string reference)
    {
        if (!reference.StartsWith("#/", StringComparison.Ordinal))
        {
            throw new NotSupportedException($"only local $ref are supported, not {reference}");
        }

        JsonNode? node = _root;
        foreach (var segment in reference[2..].Split('/'))
        {
            node = node?[segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)];
        }

        return node ?? throw new InvalidDataException($"unresolvable $ref {reference}");
    }

    private static bool HasType(JsonNode? instance, string type) => type switch
    {
        "null" => instance is null,
        "object" => instance is JsonObject,
        "array" => instance is JsonArray,
        "string" => instance is JsonValue v && v.TryGetValue<string>(out _),
        "boolean" => instance is JsonValue v && v.TryGetValue<bool>(out _),
        "number" => instance is JsonValue v && TryNumber(v, out _),
        "integer" => instance is JsonValue v && TryNumber(v, out var d) && Math.Abs(d % 1) < double.Epsilon,
        _ => throw new NotSupportedException($"type {type}"),
    };

    private static bool TryNumber(JsonValue value, out double number)
    {
        if (value.TryGetValue<long>(out var l))
        {
            number = l;
            return true;
        }

        if (value.TryGetValue<int>(out var i))
        {
            number = i;
            return true;
        }

        return value.TryGetValue(out number);
    }

    private static string Show(string path) => path.Length == 0 ? "(root)" : path.TrimStart('.');

    private static string Describe(JsonNode? instance) =>
        instance is null ? "null" : instance.ToJsonString().Length > 60 ? instance.ToJsonString()[..60] + "..." : instance.ToJsonString();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"MiniJsonSchema({_root.Count} keywords)");
}
