using System.Text.RegularExpressions;

namespace CreatorChat.ServiceDefaults.Model;

/// <summary>
/// A creator's slug, its id everywhere (URLs, <c>creator_id</c>, the OpenAI <c>model</c>, storage keys): 3–64
/// lowercase letters, digits and single inner hyphens, so it is safe in URLs, model names and logs. The creator
/// service decides it at creation; every other service checks a slug it is given with the same rule before any lookup.
/// </summary>
public static partial class CreatorSlug
{
    public const string Rule = "3 to 64 lowercase letters, digits or single hyphens, starting and ending with a letter or digit";

    // \z, not $: $ also matches before a final newline, which let "chef\n" through.
    [GeneratedRegex(@"\A[a-z0-9](?:[a-z0-9-]{1,62}[a-z0-9])\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool IsValid(string? slug) => slug is not null && Pattern().IsMatch(slug) && !slug.Contains("--", StringComparison.Ordinal);
}
