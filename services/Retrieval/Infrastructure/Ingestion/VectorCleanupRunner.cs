using CreatorChat.Retrieval.Infrastructure.Data;
using CreatorChat.Retrieval.Infrastructure.VectorStores;
using CreatorChat.Retrieval.Model;

namespace CreatorChat.Retrieval.Infrastructure.Ingestion;

/// <summary>
/// Removes chunks that search no longer returns (old generations, deleted videos, failed jobs' partial
/// writes) from the vector store, from the <c>vector_cleanups</c> outbox, retrying with backoff until the
/// stores confirm (every live embedding space's). Runs inline right after the change that queued it, and from the worker's maintenance loop.
/// </summary>
public sealed partial class VectorCleanupRunner(
    VectorCleanupRepository repository, VectorSpaceCatalog catalog, ILogger<VectorCleanupRunner> logger)
{
    /// <returns>How many clean-ups completed.</returns>
    public async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        var done = 0;
        while (true)
        {
            var due = await repository.ClaimDueAsync(20, cancellationToken);
            if (due.Count == 0)
            {
                return done;
            }

            foreach (var cleanup in due)
            {
                if (await RunAsync(cleanup, cancellationToken))
                {
                    done++;
                }
            }

            if (due.Count < 20)
            {
                return done;
            }
        }
    }

    /// <summary>Runs one clean-up now if no other replica is running it.</summary>
    public async Task<bool> RunAsync(long id, CancellationToken cancellationToken)
    {
        var cleanup = await repository.ClaimAsync(id, cancellationToken);
        return cleanup is not null && await RunAsync(cleanup, cancellationToken);
    }

    private async Task<bool> RunAsync(VectorCleanup cleanup, CancellationToken cancellationToken)
    {
        try
        {
            // Every space that still has a collection: a re-embedding may have copied the generation already.
            foreach (var space in (await catalog.GetAsync(cancellationToken)).Live)
            {
                await space.Store.DeleteAsync(cleanup.CreatorSlug, cleanup.VideoId, cleanup.Generations, cancellationToken);
            }

            await repository.CompleteAsync(cleanup.Id, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is VectorStoreException or Npgsql.NpgsqlException or TimeoutException or EmbeddingSpaceMismatchException)
        {
            var delay = TimeSpan.FromSeconds(Math.Min(3600, 10 * Math.Pow(2, Math.Min(cleanup.Attempts, 10))));
            LogRetry(logger, cleanup.CreatorSlug, cleanup.VideoId, delay, ex.Message);
            await repository.RetryAsync(cleanup.Id, ex.Message, delay, CancellationToken.None);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removing old chunks of {CreatorSlug}/{VideoId} from the vector store failed; retrying in {Delay}: {Reason}")]
    private static partial void LogRetry(ILogger logger, string creatorSlug, string videoId, TimeSpan delay, string reason);
}
