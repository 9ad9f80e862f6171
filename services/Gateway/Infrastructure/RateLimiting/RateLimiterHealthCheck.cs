using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CreatorChat.Gateway.Infrastructure.RateLimiting;

/// <summary>Degraded (still ready) while limits are enforced per replica instead of across the fleet.</summary>
public sealed class RateLimiterHealthCheck(RateLimiter limiter) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(limiter.UsingLocalFallback
            ? HealthCheckResult.Degraded("Rate limits are enforced per replica: Redis is unreachable.")
            : HealthCheckResult.Healthy());
}
