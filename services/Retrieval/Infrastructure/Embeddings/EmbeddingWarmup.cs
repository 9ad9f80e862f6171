using Microsoft.Extensions.AI;

namespace CreatorChat.Retrieval.Infrastructure.Embeddings;

/// <summary>
/// Loads the offline model when the replica starts rather than on its first search: loading takes seconds (more on a
/// busy machine), which a fan's first question would otherwise wait for, past chat's retrieval timeout. A remote
/// model is not called (that would cost a request for nothing).
/// </summary>
public sealed partial class EmbeddingWarmup(Embedder embedder, TimeProvider timeProvider, ILogger<EmbeddingWarmup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (embedder.Generator.GetService<SentenceEncoderGenerator>() is null)
        {
            return;
        }

        try
        {
            var started = timeProvider.GetTimestamp();
            await Task.Run(() => embedder.EmbedQueryAsync("warm up", stoppingToken), stoppingToken);
            LogWarmedUp(logger, timeProvider.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogWarmupFailed(logger, ex); // the first search loads it again (and fails the same way, where it is reported)
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Offline embedding model loaded in {ElapsedMs:0} ms")]
    private static partial void LogWarmedUp(ILogger logger, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Loading the offline embedding model at start-up failed")]
    private static partial void LogWarmupFailed(ILogger logger, Exception exception);
}
