using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CreatorChat.ServiceDefaults.Security;

public sealed record TokenSubject(Guid UserId, string Email, string? Name, string Role, string Tier);

/// <summary>Issues the platform's signed tokens: users' access tokens (gateway) and service tokens.</summary>
public sealed class PlatformTokens(IOptions<PlatformAuthOptions> options, SigningKeyProvider keys, TimeProvider timeProvider)
{
    private readonly JsonWebTokenHandler _handler = new();

    public (string Token, DateTimeOffset ExpiresAt) CreateAccessToken(TokenSubject subject)
    {
        var claims = new Dictionary<string, object>
        {
            [PlatformClaims.Subject] = subject.UserId.ToString(),
            [PlatformClaims.Email] = subject.Email,
            [PlatformClaims.Role] = subject.Role,
            [PlatformClaims.Tier] = subject.Tier,
            [PlatformClaims.TokenUse] = "access",
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        if (subject.Name is not null)
        {
            claims[PlatformClaims.Name] = subject.Name;
        }

        return Create(PlatformClaims.UserAudience, claims, options.Value.AccessTokenLifetime);
    }

    public (string Token, DateTimeOffset ExpiresAt) CreateServiceToken(string serviceName) =>
        Create(PlatformClaims.ServiceAudience, new Dictionary<string, object>
        {
            [PlatformClaims.Subject] = "service:" + serviceName,
            [PlatformClaims.TokenUse] = "service",
        }, options.Value.ServiceTokenLifetime);

    private (string, DateTimeOffset) Create(string audience, Dictionary<string, object> claims, TimeSpan lifetime)
    {
        var now = timeProvider.GetUtcNow();
        var expires = now + lifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Value.Issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(keys.Key, SecurityAlgorithms.HmacSha256),
        });
        return (token, expires);
    }
}

/// <summary>Holds the signing key derived from configuration.</summary>
public sealed class SigningKeyProvider(SymmetricSecurityKey key)
{
    /// <summary>
    /// Only for Development: lets a single service run without configuration. Every deployed
    /// environment must set <c>Jwt__SigningKey</c>; services refuse to start without it.
    /// </summary>
    public const string DevelopmentKey = "creatorchat-development-only-signing-key-do-not-use-in-production";

    public SymmetricSecurityKey Key { get; } = key;

    public static SymmetricSecurityKey FromConfiguredValue(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length < 32)
        {
            throw new InvalidOperationException("Jwt:SigningKey must be at least 32 bytes long.");
        }

        return new SymmetricSecurityKey(bytes) { KeyId = "creatorchat" };
    }
}
