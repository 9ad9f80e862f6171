using CreatorChat.Gateway.Infrastructure.RateLimiting;

namespace CreatorChat.Gateway.Infrastructure.Identity;

public static class IdentityExtensions
{
    public static readonly TimeSpan HealthCheckTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Accounts in <c>identitydb</c>, tokens, the audit log, and the edge rate limiter (Redis, local fallback).</summary>
    public static IHostApplicationBuilder AddIdentityAndLimits(this IHostApplicationBuilder builder)
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

        builder.Services.Configure<RateLimitOptions>(builder.Configuration.GetSection(RateLimitOptions.Section));
        builder.Services.AddSingleton<RedisRateLimitStore>();
        builder.Services.AddSingleton<LocalRateLimitStore>();
        builder.Services.AddSingleton<RateLimiter>();
        builder.Services.AddHealthChecks().AddCheck<RateLimiterHealthCheck>("rate-limiter", tags: [ServiceDefaults.Data.HealthTags.Ready]);
        // /health answers within its own short budget even while a dependency hangs (a hung check reports its failure status).
        builder.Services.PostConfigure<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckServiceOptions>(options =>
        {
            foreach (var check in options.Registrations.Where(r => r.Timeout == Timeout.InfiniteTimeSpan || r.Timeout > HealthCheckTimeout))
            {
                check.Timeout = HealthCheckTimeout;
            }
        });
        return builder;
    }
}
