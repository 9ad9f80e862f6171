using CreatorChat.Gateway.Model;
using CreatorChat.ServiceDefaults.Security;

namespace CreatorChat.Gateway.Infrastructure.Identity;

public enum LoginFailure
{
    None,
    InvalidCredentials,
    Disabled,
}

/// <summary>Registration, login and token rotation.</summary>
public sealed class AccountService(
    UserRepository users,
    RefreshTokenStore refreshTokens,
    PasswordHashing passwords,
    PlatformTokens tokens,
    AuditLog audit,
    UserDirectory directory,
    TimeProvider timeProvider)
{
    public async Task<User?> RegisterAsync(RegisterRequest request, string? ip, CancellationToken cancellationToken)
    {
        var user = await users.CreateAsync(
            AccountValidation.NormalizeEmail(request.Email!), string.IsNullOrWhiteSpace(request.Name) ? null : request.Name.Trim(),
            passwords.Hash(request.Password!), PlatformRoles.Fan, Tiers.Free, cancellationToken);
        if (user is not null)
        {
            await audit.WriteAsync(AuditLog.Register, user.Id, user.Id, ip, null, cancellationToken);
        }

        return user;
    }

    public async Task<(TokenResponse? Tokens, LoginFailure Failure, User? User)> LoginAsync(string email, string password, string? ip, CancellationToken cancellationToken)
    {
        var normalized = AccountValidation.NormalizeEmail(email);
        var user = await users.FindByEmailAsync(normalized, cancellationToken);
        var (matches, rehash) = passwords.Verify(user, password);
        if (!matches || user is null)
        {
            await audit.WriteAsync(AuditLog.LoginFailed, null, user?.Id, ip, new { email = normalized }, cancellationToken);
            return (null, LoginFailure.InvalidCredentials, null);
        }

        if (user.Disabled)
        {
            await audit.WriteAsync(AuditLog.LoginFailed, user.Id, user.Id, ip, new { reason = "disabled" }, cancellationToken);
            return (null, LoginFailure.Disabled, user);
        }

        if (rehash)
        {
            await users.UpdatePasswordHashAsync(user.Id, passwords.Hash(password), cancellationToken);
        }

        await audit.WriteAsync(AuditLog.LoginSucceeded, user.Id, user.Id, ip, null, cancellationToken);
        return (await IssueAsync(user, familyId: null, cancellationToken), LoginFailure.None, user);
    }

    /// <returns>New tokens, or null when the refresh token is unknown, expired, reused or its user is disabled.</returns>
    public async Task<TokenResponse?> RefreshAsync(string refreshToken, string? ip, CancellationToken cancellationToken)
    {
        var (outcome, userId, familyId) = await refreshTokens.UseAsync(refreshToken, cancellationToken);
        if (outcome == RefreshOutcome.Reused)
        {
            await audit.WriteAsync(AuditLog.RefreshTokenReused, userId, userId, ip, new { family_id = familyId }, cancellationToken);
            return null;
        }

        if (outcome != RefreshOutcome.Rotated)
        {
            return null;
        }

        var user = await users.FindAsync(userId, cancellationToken);
        if (user is null || user.Disabled)
        {
            await refreshTokens.RevokeFamilyAsync(familyId, cancellationToken);
            return null;
        }

        return await IssueAsync(user, familyId, cancellationToken);
    }

    public async Task LogoutAsync(string refreshToken, Guid userId, string? ip, CancellationToken cancellationToken)
    {
        if (await refreshTokens.FamilyOfAsync(refreshToken, cancellationToken) is { } family)
        {
            await refreshTokens.RevokeFamilyAsync(family, cancellationToken);
        }

        await audit.WriteAsync(AuditLog.Logout, userId, userId, ip, null, cancellationToken);
    }

    public async Task<User?> UpdateAsync(Guid actorId, Guid userId, UpdateUserRequest request, string? ip, CancellationToken cancellationToken)
    {
        var before = await users.FindAsync(userId, cancellationToken);
        if (before is null)
        {
            return null;
        }

        var after = await users.UpdateAsync(userId, request.Tier, request.Role, request.Disabled, cancellationToken);
        if (after is null)
        {
            return null;
        }

        if (after.Disabled || after.Role != before.Role)
        {
            // Old refresh tokens carry no role, but a disabled user must not mint new access tokens.
            await refreshTokens.RevokeAllAsync(userId, cancellationToken);
        }

        await directory.InvalidateAsync(userId);
        await audit.WriteAsync(AuditLog.UserUpdated, actorId, userId, ip, new
        {
            tier = Change(before.Tier, after.Tier),
            role = Change(before.Role, after.Role),
            disabled = before.Disabled == after.Disabled ? null : new { from = before.Disabled, to = after.Disabled },
        }, cancellationToken);
        return after;
    }

    private static object? Change(string from, string to) => from == to ? null : new { from, to };

    private async Task<TokenResponse> IssueAsync(User user, Guid? familyId, CancellationToken cancellationToken)
    {
        var (access, expires) = tokens.CreateAccessToken(new TokenSubject(user.Id, user.Email, user.Name, user.Role, user.Tier));
        var refresh = await refreshTokens.IssueAsync(user.Id, familyId, cancellationToken);
        return new TokenResponse(access, "bearer", (int)Math.Round((expires - timeProvider.GetUtcNow()).TotalSeconds), refresh);
    }
}
