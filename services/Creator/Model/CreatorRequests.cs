using System.Text.Json;

namespace CreatorChat.Creator.Model;

public sealed record CreateCreatorRequest(
    string? Slug, string? Name, string? Specialty, string? Description, string? AvatarUrl, string? Persona);

/// <summary>
/// A partial update: a field that is absent stays as it is, a field sent as null is cleared
/// (optional fields only). Read from raw JSON because "absent" and "null" must differ.
/// </summary>
public sealed record CreatorPatch
{
    public Field<string>? Name { get; init; }
    public Field<string>? Specialty { get; init; }
    public Field<string>? Description { get; init; }
    public Field<string>? AvatarUrl { get; init; }
    public Field<string>? Persona { get; init; }

    public bool IsEmpty => Name is null && Specialty is null && Description is null && AvatarUrl is null && Persona is null;

    public readonly record struct Field<T>(T? Value);

    public static CreatorPatch Parse(JsonElement body, IDictionary<string, string[]> errors)
    {
        var patch = new CreatorPatch();
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors["body"] = ["The body must be a JSON object."];
            return patch;
        }

        foreach (var property in body.EnumerateObject())
        {
            if (property.Value.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            {
                errors[property.Name] = ["Must be a string or null."];
                continue;
            }

            var value = new Field<string>(property.Value.ValueKind == JsonValueKind.Null ? null : property.Value.GetString());
            patch = property.Name switch
            {
                "name" => patch with { Name = value },
                "specialty" => patch with { Specialty = value },
                "description" => patch with { Description = value },
                "avatar_url" => patch with { AvatarUrl = value },
                "persona" => patch with { Persona = value },
                "slug" => Reject(patch, errors, "slug", "A creator's slug is permanent and cannot be changed."),
                _ => Reject(patch, errors, property.Name, "Unknown field."),
            };
        }

        return patch;
    }

    private static CreatorPatch Reject(CreatorPatch patch, IDictionary<string, string[]> errors, string field, string message)
    {
        errors[field] = [message];
        return patch;
    }
}
