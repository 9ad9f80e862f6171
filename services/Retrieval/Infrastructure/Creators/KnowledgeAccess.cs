using System.Security.Claims;
using CreatorChat.Retrieval.Model;
using CreatorChat.ServiceDefaults.Model;
using CreatorChat.ServiceDefaults.Security;

namespace CreatorChat.Retrieval.Infrastructure.Creators;

/// <summary>
/// "Owner or admin of the creator" (docs/ARCHITECTURE.md, "Public API in brief"). A creator that does not exist, is deleted, or
/// belongs to someone else all look the same to the caller — not found — so nobody can probe which
/// creators exist or upload into someone else's.
/// </summary>
public sealed class KnowledgeAccess(CreatorDirectory directory)
{
    public async Task<CreatorProfile?> FindManageableAsync(ClaimsPrincipal user, string creatorSlug, CancellationToken cancellationToken)
    {
        if (!CreatorSlug.IsValid(creatorSlug))
        {
            return null;
        }

        var creator = await directory.FindAsync(creatorSlug, cancellationToken);
        return creator is not null && user.CanManage(creator.OwnerId) ? creator : null;
    }
}
