using System.Security.Claims;
using CreatorChat.ServiceDefaults.Security;

namespace CreatorChat.Retrieval.Infrastructure.Creators;

/// <summary>
/// "Owner or admin of the creator" (docs/ARCHITECTURE.md, "Public API in brief"). A creator that does not exist, is deleted, or
/// belongs to someone else all look the same to the caller — not found — so nobody can probe which
/// creators exist or upload into someone else's.
/// </summary>
public sealed class KnowledgeAccess(CreatorDirectory directory)
{
    public async Task<CreatorProfile?> FindManageableAsync(ClaimsPrincipal user, string slug, CancellationToken cancellationToken)
    {
        if (!CreatorSlug.IsValid(slug))
        {
            return null;
        }

        var creator = await directory.FindAsync(slug, cancellationToken);
        return creator is not null && user.CanManage(creator.OwnerId) ? creator : null;
    }
}

public static class CreatorSlug
{
    /// <summary>The creator service's slug rule: 3–64 lowercase letters, digits and single inner hyphens.</summary>
    public static bool IsValid(string? slug) =>
        slug is { Length: >= 3 and <= 64 } &&
        IsLetterOrDigit(slug[0]) && IsLetterOrDigit(slug[^1]) &&
        slug.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') &&
        !slug.Contains("--", StringComparison.Ordinal);

    private static bool IsLetterOrDigit(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);
}
