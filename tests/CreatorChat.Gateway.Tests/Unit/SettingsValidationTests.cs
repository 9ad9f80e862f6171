using CreatorChat.Testing;
using Microsoft.Extensions.Options;
using Xunit;

namespace CreatorChat.Gateway.Tests.Unit;

/// <summary>A bad setting stops the gateway at start, naming the option.</summary>
public sealed class SettingsValidationTests
{
    [Theory]
    [InlineData("RateLimits:ApiRequestsPerMinute", "0", "RateLimitOptions", "ApiRequestsPerMinute")]
    [InlineData("RateLimits:RedisTimeout", "00:10:00", "RateLimitOptions", "RedisTimeout")]
    [InlineData("RateLimits:KeyPrefix", "", "RateLimitOptions", "KeyPrefix")]
    [InlineData("Jwt:AccessTokenLifetime", "00:00:01", "PlatformAuthOptions", "AccessTokenLifetime")]
    public void A_bad_setting_stops_the_start_with_its_name(string key, string value, string options, string member)
    {
        using var factory = new ServiceFactory<Program>(new Dictionary<string, string?>
        {
            // Unreachable on purpose: the start must fail on the setting, not on a dependency.
            ["ConnectionStrings:identitydb"] = "Host=127.0.0.1;Port=9;Database=identitydb;Username=none;Password=none",
            ["ConnectionStrings:cache"] = "127.0.0.1:9,abortConnect=false",
            ["Jwt:SigningKey"] = TestTokens.DefaultKey,
            [key] = value,
        });

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains(options, error.Message, StringComparison.Ordinal);
        Assert.Contains(member, error.Message, StringComparison.Ordinal);
    }
}
