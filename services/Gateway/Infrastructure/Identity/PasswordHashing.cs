using CreatorChat.Gateway.Model;
using Microsoft.AspNetCore.Identity;

namespace CreatorChat.Gateway.Infrastructure.Identity;

/// <summary>ASP.NET Core Identity's PBKDF2 hasher (salted, 100,000 iterations of HMAC-SHA512).</summary>
public sealed class PasswordHashing
{
    private readonly PasswordHasher<User> _hasher = new();

    // Verifying against this when the email is unknown makes "no such user" cost as much as "wrong password".
    private readonly string _decoyHash;

    public PasswordHashing() => _decoyHash = _hasher.HashPassword(null!, "decoy-password-never-matches");

    public string Hash(string password) => _hasher.HashPassword(null!, password);

    /// <returns>Whether it matches, and whether the stored hash should be upgraded.</returns>
    public (bool Matches, bool Rehash) Verify(User? user, string password)
    {
        var result = _hasher.VerifyHashedPassword(null!, user?.PasswordHash ?? _decoyHash, password);
        return user is null
            ? (false, false)
            : (result is PasswordVerificationResult.Success or PasswordVerificationResult.SuccessRehashNeeded, result == PasswordVerificationResult.SuccessRehashNeeded);
    }
}
