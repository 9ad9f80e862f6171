using CreatorChat.ServiceDefaults.Security;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.Tokens;

namespace Microsoft.Extensions.Hosting;

public static class PlatformAuthenticationExtensions
{
    /// <summary>
    /// Validates the platform's bearer tokens (HS256 only; issuer, audience, lifetime checked). The
    /// gateway relays a user's token unchanged, so every service sees who is calling and cannot be
    /// fooled by a forged header; calls between services carry short-lived service tokens.
    /// </summary>
    /// <param name="acceptServiceTokens">False at the public edge: service tokens are for calls between services only.</param>
    public static IHostApplicationBuilder AddPlatformAuthentication(this IHostApplicationBuilder builder, bool acceptServiceTokens = true)
    {
        var section = builder.Configuration.GetSection(PlatformAuthOptions.Section);
        builder.AddValidatedOptions<PlatformAuthOptions>(PlatformAuthOptions.Section);
        var options = section.Get<PlatformAuthOptions>() ?? new PlatformAuthOptions();

        var configuredKey = options.SigningKey;
        if (string.IsNullOrWhiteSpace(configuredKey))
        {
            if (!builder.Environment.IsDevelopment())
            {
                throw new InvalidOperationException(
                    $"Jwt:SigningKey is not configured. Set Jwt__SigningKey (at least 32 bytes, from a secret) — required in the '{builder.Environment.EnvironmentName}' environment.");
            }

            configuredKey = SigningKeyProvider.DevelopmentKey;
        }

        var key = SigningKeyProvider.FromConfiguredValue(configuredKey);
        builder.Services.TryAddSingleton(new SigningKeyProvider(key));
        builder.Services.TryAddSingleton<PlatformTokens>();

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(jwt =>
            {
                jwt.MapInboundClaims = false;
                jwt.RequireHttpsMetadata = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = options.Issuer,
                    ValidAudiences = acceptServiceTokens ? [PlatformClaims.UserAudience, PlatformClaims.ServiceAudience] : [PlatformClaims.UserAudience],
                    IssuerSigningKey = key,
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    RequireSignedTokens = true,
                    RequireExpirationTime = true,
                    ValidateIssuer = true,
                    ValidateAudience = true,
                    ValidateLifetime = true,
                    ValidateIssuerSigningKey = true,
                    ClockSkew = TimeSpan.FromSeconds(30),
                    NameClaimType = PlatformClaims.Subject,
                    RoleClaimType = PlatformClaims.Role,
                };
                jwt.Events = new JwtBearerEvents
                {
                    // Browsers cannot set headers on WebSocket upgrades: accept the token as a query parameter there only.
                    OnMessageReceived = context =>
                    {
                        if (SocketTokens.FromQuery(context.HttpContext) is { } token)
                        {
                            context.Token = token;
                        }

                        return Task.CompletedTask;
                    },
                };
            });

        builder.Services.AddAuthorizationBuilder()
            .SetDefaultPolicy(UserPolicy())
            .AddPolicy(PlatformPolicies.User, UserPolicy())
            .AddPolicy(PlatformPolicies.CreatorOrAdmin, policy => policy
                .Combine(UserPolicy())
                .RequireClaim(PlatformClaims.Role, PlatformRoles.Creator, PlatformRoles.Admin))
            .AddPolicy(PlatformPolicies.Admin, policy => policy
                .Combine(UserPolicy())
                .RequireClaim(PlatformClaims.Role, PlatformRoles.Admin))
            .AddPolicy(PlatformPolicies.Service, policy => policy
                .RequireAuthenticatedUser()
                .RequireClaim(PlatformClaims.TokenUse, "service")
                .RequireClaim("aud", PlatformClaims.ServiceAudience));
        return builder;
    }

    private static AuthorizationPolicy UserPolicy() => new AuthorizationPolicyBuilder(JwtBearerDefaults.AuthenticationScheme)
        .RequireAuthenticatedUser()
        .RequireClaim(PlatformClaims.TokenUse, "access")
        .RequireClaim("aud", PlatformClaims.UserAudience)
        .Build();
}
