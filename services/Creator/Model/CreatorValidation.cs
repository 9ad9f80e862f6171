using CreatorChat.ServiceDefaults.Model;

namespace CreatorChat.Creator.Model;

public static class CreatorValidation
{
    public const int NameMax = 100;
    public const int SpecialtyMax = 100;
    public const int DescriptionMax = 2000;
    public const int AvatarUrlMax = 2048;
    public const int PersonaMax = 8000;

    public static Dictionary<string, string[]> Validate(CreateCreatorRequest request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!CreatorSlug.IsValid(request.Slug))
        {
            errors["slug"] = [$"Use {CreatorSlug.Rule}."];
        }

        CheckName(request.Name, errors);
        CheckOptional("specialty", request.Specialty, SpecialtyMax, errors);
        CheckOptional("description", request.Description, DescriptionMax, errors);
        CheckOptional("persona", request.Persona, PersonaMax, errors);
        CheckAvatarUrl(request.AvatarUrl, errors);
        return errors;
    }

    public static void Validate(CreatorPatch patch, IDictionary<string, string[]> errors)
    {
        if (patch.Name is { } name)
        {
            CheckName(name.Value, errors);
        }

        if (patch.Specialty is { } specialty)
        {
            CheckOptional("specialty", specialty.Value, SpecialtyMax, errors);
        }

        if (patch.Description is { } description)
        {
            CheckOptional("description", description.Value, DescriptionMax, errors);
        }

        if (patch.Persona is { } persona)
        {
            CheckOptional("persona", persona.Value, PersonaMax, errors);
        }

        if (patch.AvatarUrl is { } avatar)
        {
            CheckAvatarUrl(avatar.Value, errors);
        }
    }

    private static void CheckName(string? name, IDictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            errors["name"] = ["A name is required."];
        }
        else if (name.Length > NameMax)
        {
            errors["name"] = [$"At most {NameMax} characters."];
        }
        else if (name.Any(char.IsControl))
        {
            errors["name"] = ["Control characters are not allowed."];
        }
    }

    private static void CheckOptional(string field, string? value, int max, IDictionary<string, string[]> errors)
    {
        if (value is not null && value.Length > max)
        {
            errors[field] = [$"At most {max} characters."];
        }
    }

    private static void CheckAvatarUrl(string? value, IDictionary<string, string[]> errors)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length > AvatarUrlMax ||
            !Uri.TryCreate(value, UriKind.Absolute, out var uri) ||
            (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            errors["avatar_url"] = ["Must be an absolute http(s) URL of at most 2048 characters."];
        }
    }

    /// <summary>Empty optional strings mean "none".</summary>
    public static string? Normalize(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
