using CreatorChat.Gateway.Apis;
using CreatorChat.Gateway.Infrastructure;
using CreatorChat.Gateway.Infrastructure.Edge;
using CreatorChat.Gateway.Infrastructure.Identity;
using CreatorChat.Gateway.Infrastructure.RateLimiting;
using CreatorChat.Gateway.Infrastructure.ReverseProxy;
using CreatorChat.Gateway.Infrastructure.WebApp;

namespace CreatorChat.Gateway.Extensions;

public static class Extensions
{
    /// <summary>
    /// Accounts in <c>identitydb</c>, tokens and the audit log; the edge rate limiter (Redis, local fallback);
    /// edge protection; YARP forwarding to the services; the merged API document.
    /// </summary>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource("identitydb", migrationsAssembly: typeof(UserRepository).Assembly);
        // Rate limiting falls back to local counters, so Redis being down degrades health instead of failing it.
        builder.AddRedisClient("cache", requiredForReadiness: false);
        builder.AddPlatformAuthentication(acceptServiceTokens: false);

        builder.Services.AddSingleton<UserRepository>();
        builder.Services.AddSingleton<RefreshTokenStore>();
        builder.Services.AddSingleton<PasswordHashing>();
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddSingleton<UserDirectory>();
        builder.Services.AddSingleton<AccountService>();
        builder.Services.AddSingleton<PlatformStats>();
        builder.Services.AddHostedService<AdminBootstrapper>();

        builder.AddValidatedOptions<RateLimitOptions>(RateLimitOptions.Section);
        builder.Services.AddSingleton<RedisRateLimitStore>();
        builder.Services.AddSingleton<LocalRateLimitStore>();
        builder.Services.AddSingleton<RateLimiter>();
        builder.Services.AddHealthChecks().AddCheck<RateLimiterHealthCheck>("rate-limiter", tags: [ServiceDefaults.Data.HealthTags.Ready]);

        builder.AddEdgeProtection();
        builder.AddGatewayProxy();
        builder.AddApiDocumentation();
        return builder;
    }

    /// <summary>Edge protection, WebSockets, authentication, then the web app's static files and screens.</summary>
    public static WebApplication UseApplicationMiddleware(this WebApplication app)
    {
        app.UseEdgeProtection();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = WebSocketForwarder.KeepAliveInterval });
        // After UseWebSockets: a WebSocket upgrade's access_token query parameter is only read once the upgrade is recognised.
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseWebApp();
        return app;
    }
}
