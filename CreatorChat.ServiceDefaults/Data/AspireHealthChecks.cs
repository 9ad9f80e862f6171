using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace CreatorChat.ServiceDefaults.Data;

/// <summary>
/// What our registrations add to the Aspire client integrations: a missing connection string stops
/// start-up at once, naming the variable to set (Aspire only fails on first use), and their health
/// checks are bounded in time like our own.
/// </summary>
internal static class AspireHealthChecks
{
    public const string Postgres = "PostgreSql";
    public const string Redis = "StackExchange.Redis";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static string RequiredConnectionString(IHostApplicationBuilder builder, string connectionName)
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName);
        return string.IsNullOrWhiteSpace(connectionString)
            ? throw new InvalidOperationException($"Connection string '{connectionName}' is missing: set ConnectionStrings__{connectionName}.")
            : connectionString;
    }

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
