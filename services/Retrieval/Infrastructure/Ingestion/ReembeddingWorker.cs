using CreatorChat.Retrieval.Infrastructure.Data;
using CreatorChat.Retrieval.Infrastructure.VectorStores;
using CreatorChat.Retrieval.Model;
using CreatorChat.Retrieval.Model.Search;
using Npgsql;

namespace CreatorChat.Retrieval.Infrastructure.Ingestion;

/// <summary>
/// Fills a new embedding space after the configured model changed, without re-uploading anything: every
/// searchable video's active generation is read from the active collection (the passages and their payloads),
/// embedded with the new model and written under the same point ids into the new collection. The job is the
/// building space's row, claimed with <c>FOR UPDATE SKIP LOCKED</c> and a lease renewed after each video, so one
/// replica runs it at a time and another resumes it where it stopped (done videos are recorded in
/// <c>space_generations</c>) if that replica dies. When the new space holds every video, one transaction makes it
/// active (<see cref="EmbeddingSpaceRepository.SwitchAsync"/>); the old collection is dropped after
/// <see cref="ReembeddingOptions.RetireDelay"/>.
/// </summary>
public sealed partial class ReembeddingWorker(
    EmbeddingSpaceRepository repository,
    VectorSpaceCatalog catalog,
    VectorStoreFactory stores,
    VectorCleanupRunner cleanups,
    ReembeddingOptions options,
    RetrievalTelemetry telemetry,
    TimeProvider timeProvider,
    ILogger<ReembeddingWorker> logger) : BackgroundService
{
    private const string Work = "Re-embedding";

    private readonly string _owner = LeasedWork.NewOwner();

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
                await RunOnceAsync(_owner, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or VectorStoreException)
            {
                LeasedWork.DependencyUnavailable(logger, Work, ex.Message);
            }
            catch (Exception ex)
            {
                LeasedWork.LoopFailed(logger, Work, ex);
            }

            await Task.Delay(options.PollInterval, timeProvider, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>
    /// One pass as replica <paramref name="owner"/>: drops retired collections that are due, then runs the re-embedding
    /// job if one is due and this replica can run its model, copying at most <paramref name="maxVideos"/> videos. Returns
    /// what the job ended with (null: no job ran). Public for tests that play several replicas, crashes included.
    /// </summary>
    public async Task<SwitchOutcome?> RunOnceAsync(string owner, CancellationToken cancellationToken, int maxVideos = int.MaxValue)
    {
        await DropRetiredAsync(owner, cancellationToken);

        var state = await catalog.RefreshAsync(cancellationToken);
        if (state.Building is not { Embedder: not null } building || !await repository.ClaimBuildAsync(building.Id, owner, options.LeaseDuration, cancellationToken))
        {
            return null;
        }

        var progress = await repository.ProgressAsync(building.Id, cancellationToken);
        LogStarted(logger, building.ToString(), state.Active.ToString(), progress.Done, progress.Total);
        var copied = 0;
        try
        {
            while (true)
            {
                var pending = await repository.PendingAsync(building.Id, options.BatchVideos, cancellationToken);
                if (pending.Count == 0)
                {
                    var outcome = await repository.SwitchAsync(building.Id, owner, cancellationToken);
                    if (outcome == SwitchOutcome.Incomplete)
                    {
                        continue; // a video was activated between the last batch and the check
                    }

                    if (outcome == SwitchOutcome.Switched)
                    {
                        LogSwitched(logger, building.ToString(), state.Active.ToString(), copied);
                        await catalog.RefreshAsync(cancellationToken);
                        await DropRetiredAsync(owner, cancellationToken);
                    }

                    return outcome;
                }

                foreach (var video in pending)
                {
                    if (copied == maxVideos)
                    {
                        return SwitchOutcome.Incomplete; // stops as a replica that dies here would: the lease is still held
                    }

                    await CopyAsync(state.Active, building, video, cancellationToken);
                    copied++;
                    telemetry.Reembedded(1);
                    progress = progress with { Done = Math.Min(progress.Total, progress.Done + 1) };
                    if (!await repository.HeartbeatBuildAsync(building.Id, owner, options.LeaseDuration, progress, cancellationToken))
                    {
                        LeasedWork.LeaseLost(logger, Work, $"the re-embedding into {building}");
                        return SwitchOutcome.Lost;
                    }
                }

                progress = await repository.ProgressAsync(building.Id, cancellationToken);
                await repository.HeartbeatBuildAsync(building.Id, owner, options.LeaseDuration, progress, cancellationToken);
                telemetry.Reembedding(progress);
                LogProgress(logger, building.ToString(), progress.Done, progress.Total);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await repository.ReleaseBuildAsync(building.Id, owner, CancellationToken.None);
            throw;
        }
    }

    private async Task CopyAsync(VectorSpace from, VectorSpace to, PendingVideo video, CancellationToken cancellationToken)
    {
        var chunks = await from.Store.ReadAsync(video.CreatorSlug, video.VideoId, video.Generation, cancellationToken);
        if (chunks.Count == 0)
        {
            LogNothingStored(logger, video.CreatorSlug, video.VideoId, video.Generation);
        }

        var records = new List<VectorRecord>(chunks.Count);
        foreach (var batch in chunks.Chunk(IngestionProcessor.EmbedBatch))
        {
            var vectors = await to.Embedder!.EmbedAsync(batch.Select(c => IngestionProcessor.EmbeddingText(c.Payload.Title, c.Payload.Text)).ToList(), cancellationToken);
            records.AddRange(batch.Select((chunk, i) => new VectorRecord(
                VectorRecord.IdFor(video.CreatorSlug, video.VideoId, video.Generation, chunk.Sequence),
                video.CreatorSlug, video.VideoId, video.Generation, chunk.Sequence, vectors[i], chunk.Payload)));
        }

        if (records.Count > 0)
        {
            await to.Store.UpsertAsync(records, cancellationToken);
        }

        if (await repository.RecordReembeddedAsync(to.Id, video, cancellationToken) is { } cleanup)
        {
            await cleanups.RunAsync(cleanup, cancellationToken);
        }
    }

    private async Task DropRetiredAsync(string owner, CancellationToken cancellationToken)
    {
        while (await repository.ClaimRetiredAsync(options.RetireDelay, owner, options.LeaseDuration, cancellationToken) is { } retired)
        {
            await stores.Create(retired.Collection).DropCollectionAsync(cancellationToken);
            await repository.MarkDroppedAsync(retired.Id, cancellationToken);
            LogDropped(logger, retired.Collection, retired.Model, retired.Dimensions);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-embedding into {Building} started (from {Active}): {Done} of {Total} videos already there")]
    private static partial void LogStarted(ILogger logger, string building, string active, int done, int total);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-embedding into {Building}: {Done} of {Total} videos")]
    private static partial void LogProgress(ILogger logger, string building, int done, int total);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-embedding complete: search now answers from {Building} instead of {Active} ({Copied} videos re-embedded by this replica)")]
    private static partial void LogSwitched(ILogger logger, string building, string active, int copied);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped the retired vector collection '{Collection}' ({Model}, {Dimensions} dimensions)")]
    private static partial void LogDropped(ILogger logger, string collection, string model, int dimensions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-embedding: the active collection holds no chunks of {CreatorSlug}/{VideoId} generation {Generation}; nothing to copy")]
    private static partial void LogNothingStored(ILogger logger, string creatorSlug, string videoId, Guid generation);
}
