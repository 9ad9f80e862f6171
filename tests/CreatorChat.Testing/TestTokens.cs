using CreatorChat.ServiceDefaults.Security;
using Microsoft.Extensions.Options;

namespace CreatorChat.Testing;

/// <summary>Mints the same tokens the gateway issues, with the key the services under test were given.</summary>
public sealed class TestTokens(string signingKey, TimeProvider? timeProvider = null)
{
    public const string DefaultKey = "creatorchat-tests-signing-key-0123456789abcdef";

    private readonly PlatformTokens _tokens = new(
        Options.Create(new PlatformAuthOptions { SigningKey = signingKey }),
        new SigningKeyProvider(SigningKeyProvider.FromConfiguredValue(signingKey)),
        timeProvider ?? TimeProvider.System);

    public string User(Guid userId, string role = PlatformRoles.Fan, string tier = "free") =>
        _tokens.CreateAccessToken(new TokenSubject(userId, $"{userId:N}@example.test", "Test user", role, tier)).Token;

    public string Service(string name = "tests") => _tokens.CreateServiceToken(name).Token;
}
