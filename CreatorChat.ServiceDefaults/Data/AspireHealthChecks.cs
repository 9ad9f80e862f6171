using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CreatorChat.ServiceDefaults.Data;

/// <summary>The health checks the Aspire client integrations register, bounded in time like our own.</summary>
internal static class AspireHealthChecks
{
    public const string Postgres = "PostgreSql";
    public const string Redis = "StackExchange.Redis";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static void BoundHealthCheck(this IServiceCollection services, string name, HealthStatus? failureStatus = null) =>
        services.Configure<HealthCheckServiceOptions>(options =>
        {
            foreach (var registration in options.Registrations.Where(r => r.Name == name))
            {
                registration.Tags.Add(HealthTags.Ready);
                registration.FailureStatus = failureStatus ?? registration.FailureStatus;
                if (registration.Timeout == System.Threading.Timeout.InfiniteTimeSpan)
                {
                    registration.Timeout = Timeout;
                }
            }
        });
}
