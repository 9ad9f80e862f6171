using CreatorChat.Retrieval.Model;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CreatorChat.Retrieval.Infrastructure.VectorStores;

/// <summary>Ready when the vector store is usable; Degraded (still ready) with how far while a re-embedding runs.</summary>
public sealed class VectorSpaceHealthCheck(VectorSpaceCatalog catalog) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        VectorSpaceState state;
        try
        {
            state = await catalog.GetAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The vector store is not usable.", ex);
        }

        if (state.Building is { } building)
        {
            var progress = state.Progress ?? new ReembeddingProgress(0, 0);
            return HealthCheckResult.Degraded(
                $"Re-embedding stored passages into {building.Space}: {progress.Done} of {progress.Total} videos; search answers from {state.Active.Space} until then.",
                data: new Dictionary<string, object>
                {
                    ["active"] = state.Active.Space.ToString(),
                    ["building"] = building.Space.ToString(),
                    ["videos_done"] = progress.Done,
                    ["videos_total"] = progress.Total,
                });
        }

        return HealthCheckResult.Healthy($"Search answers from {state.Active.Space}.");
    }
}
