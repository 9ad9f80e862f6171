using System.Security.Claims;

namespace CreatorChat.ServiceDefaults.Security;

/// <summary>The claims CreatorChat tokens carry, and the roles and audiences they use.</summary>
public static class PlatformClaims
{
    public const string Subject = "sub";
    public const string Role = "role";
    public const string Tier = "tier";
    public const string Email = "email";
    public const string Name = "name";

    /// <summary><c>access</c> for users' tokens, <c>service</c> for service-to-service tokens.</summary>
    public const string TokenUse = "token_use";

    public const string UserAudience = "creatorchat";
    public const string ServiceAudience = "creatorchat-internal";
}

public static class PlatformRoles
{
    public const string Fan = "fan";
    public const string Creator = "creator";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Fan, Creator, Admin];
}

public static class PlatformPolicies
{
    /// <summary>Any signed-in user (the default policy of <c>RequireAuthorization()</c>).</summary>
    public const string User = "user";

    /// <summary>Role <c>creator</c> or <c>admin</c>.</summary>
    public const string CreatorOrAdmin = "creator-or-admin";

    public const string Admin = "admin";

    /// <summary>Another CreatorChat service; for <c>/internal/**</c> routes.</summary>
    public const string Service = "service";
}

public static class ClaimsPrincipalExtensions
{
    public static Guid? GetUserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(PlatformClaims.TokenUse) == "access" && Guid.TryParse(user.FindFirstValue(PlatformClaims.Subject), out var id)
            ? id
            : null;

    public static string? GetRole(this ClaimsPrincipal user) => user.FindFirstValue(PlatformClaims.Role);

    public static string? GetTier(this ClaimsPrincipal user) => user.FindFirstValue(PlatformClaims.Tier);

    public static bool IsAdmin(this ClaimsPrincipal user) => user.GetRole() == PlatformRoles.Admin && user.GetUserId() is not null;

    /// <summary>True for the owner of a resource and for admins.</summary>
    public static bool CanManage(this ClaimsPrincipal user, Guid? ownerId) =>
        user.IsAdmin() || (ownerId is not null && user.GetUserId() == ownerId);
}
