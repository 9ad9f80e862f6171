using System.Text.Json;
using CreatorChat.ServiceDefaults.Security;
using CreatorChat.Testing;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace CreatorChat.ServiceDefaults.Tests.Unit;

public sealed class SocketTokensTests
{
    private static readonly TestTokens Tokens = new(TestTokens.DefaultKey);

    /// <summary>The bearer settings of a service that also accepts service tokens (chat), the laxest case.</summary>
    private static TokenValidationParameters Parameters()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Jwt:SigningKey"] = TestTokens.DefaultKey });
        builder.AddPlatformAuthentication(acceptServiceTokens: true);
        using var app = builder.Build();
        return app.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>().Get(JwtBearerDefaults.AuthenticationScheme).TokenValidationParameters;
    }

    [Fact]
    public async Task A_users_access_token_stands_for_that_user()
    {
        var id = Guid.NewGuid();

        var user = await SocketTokens.ValidateUserTokenAsync(Tokens.User(id, PlatformRoles.Creator), Parameters());

        Assert.NotNull(user);
        Assert.Equal(id, user.GetUserId());
        Assert.Equal(PlatformRoles.Creator, user.GetRole());
    }

    [Theory]
    [InlineData("service")]
    [InlineData("garbage")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("other-key")]
    public async Task Anything_but_a_users_access_token_stands_for_nobody(string? kind)
    {
        var token = kind switch
        {
            "service" => Tokens.Service("chat"),
            "garbage" => "eyJhbGciOiJub25lIn0.e30.",
            "other-key" => new TestTokens("another-signing-key-0123456789abcdef-0123456789").User(Guid.NewGuid()),
            _ => kind,
        };

        Assert.Null(await SocketTokens.ValidateUserTokenAsync(token, Parameters()));
    }

    [Theory]
    [InlineData("""{"type":"auth","access_token":"abc"}""", "abc")]
    [InlineData("""{"type":"auth","access_token":7}""", null)]
    [InlineData("""{"type":"auth"}""", null)]
    [InlineData("""["access_token"]""", null)]
    [InlineData("\"access_token\"", null)]
    public void An_auth_frame_gives_its_token_only_as_a_string(string frame, string? expected)
    {
        using var document = JsonDocument.Parse(frame);

        Assert.Equal(expected, SocketTokens.FromAuthFrame(document.RootElement));
    }
}
