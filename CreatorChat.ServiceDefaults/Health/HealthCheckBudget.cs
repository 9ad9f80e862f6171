using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace CreatorChat.ServiceDefaults.Health;

/// <summary>
/// Every health check, ours or a library's, answers within <see cref="Budget"/>: a frozen dependency
/// (a stopped process that still accepts connections) turns into its failure status instead of a
/// stalled <c>/health</c>. The check is abandoned, not awaited: some clients ignore cancellation.
/// </summary>
internal sealed class HealthCheckBudget : IPostConfigureOptions<HealthCheckServiceOptions>
{
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);

    public void PostConfigure(string? name, HealthCheckServiceOptions options)
    {
        foreach (var registration in options.Registrations)
        {
            var budget = registration.Timeout <= TimeSpan.Zero || registration.Timeout > Budget ? Budget : registration.Timeout;
            // The framework's own timeout only cancels (and some clients ignore it): ours abandons the check first.
            registration.Timeout = budget + TimeSpan.FromMilliseconds(500);
            var factory = registration.Factory;
            registration.Factory = services => new BudgetedHealthCheck(factory(services), budget);
        }
    }

    private sealed class BudgetedHealthCheck(IHealthCheck inner, TimeSpan budget) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                return await inner.CheckHealthAsync(context, cancellationToken).WaitAsync(budget, cancellationToken);
            }
            catch (TimeoutException)
            {
                return new HealthCheckResult(context.Registration.FailureStatus,
                    $"{context.Registration.Name} did not answer within {budget.TotalSeconds:0.#} s");
            }
        }
    }
}
