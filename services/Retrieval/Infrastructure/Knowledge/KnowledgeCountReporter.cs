using System.Net;
using CreatorChat.Retrieval.Infrastructure.Creators;
using CreatorChat.Retrieval.Infrastructure.Data;
using CreatorChat.ServiceDefaults.Http;

namespace CreatorChat.Retrieval.Infrastructure.Knowledge;

/// <summary>
/// Keeps the creator service's <c>video_count</c> (shown in <c>GET /api/v1/creators</c>) in step with
/// retrieval: after every change it pushes the creator's counts with their knowledge version to
/// <c>PUT http://creator/internal/v1/creators/{slug}/knowledge</c>, which keeps only newer versions. What has
/// been pushed is recorded per creator, so a push that failed (creator service down, replica crashed)
/// is retried until it lands: the creator list never depends on retrieval being up, and converges.
/// </summary>
public sealed partial class KnowledgeCountReporter(
    KnowledgeRepository repository, IHttpClientFactory clients, KnowledgeChangedSignal signal, KnowledgeReportingOptions options,
    ILogger<KnowledgeCountReporter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ReportPendingAsync(stoppingToken);
                await signal.Signal.WaitAsync(options.Interval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // Database down, or anything unexpected: report and try again later; never stop the host.
                LogFailed(logger, ex.Message);
                await Task.Delay(options.Interval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <returns>How many creators' counts were delivered.</returns>
    public async Task<int> ReportPendingAsync(CancellationToken cancellationToken)
    {
        var delivered = 0;
        var client = clients.CreateClient(CreatorDirectory.ClientName);
        foreach (var state in await repository.UnreportedKnowledgeAsync(100, cancellationToken))
        {
            try
            {
                using var response = await client.PutAsJsonAsync(
                    new Uri($"http://creator/internal/v1/creators/{Uri.EscapeDataString(state.CreatorSlug)}/knowledge"),
                    new { video_count = state.VideoCount, chunk_count = state.ChunkCount, knowledge_version = state.Version },
                    cancellationToken);
                if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotFound)
                {
                    LogRejected(logger, state.CreatorSlug, (int)response.StatusCode);
                    break; // try again later
                }
            }
            catch (Exception ex) when (ServiceUnavailable.Is(ex))
            {
                LogFailed(logger, ex.Message);
                break;
            }

            // 404: the creator no longer exists there; nothing to keep in step.
            await repository.MarkReportedAsync(state.CreatorSlug, state.Version, cancellationToken);
            delivered++;
        }

        return delivered;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reporting knowledge counts to the creator service failed: {Reason}; will retry")]
    private static partial void LogFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The creator service answered {Status} to the knowledge counts of {CreatorSlug}; will retry")]
    private static partial void LogRejected(ILogger logger, string creatorSlug, int status);
}
