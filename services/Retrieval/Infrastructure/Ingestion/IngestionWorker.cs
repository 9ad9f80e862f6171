// Over 300 lines on purpose: one job's life under a lease (claim, heartbeat, activation, each failure path) and the LISTEN and maintenance loops that feed it share the lease and wake state; apart they would hand it around.
using System.Diagnostics;
using CreatorChat.Retrieval.Infrastructure.Data;
using CreatorChat.Retrieval.Infrastructure.Knowledge;
using CreatorChat.Retrieval.Model;
using Npgsql;

namespace CreatorChat.Retrieval.Infrastructure.Ingestion;

/// <summary>
/// Processes ingestion jobs from Postgres in every replica. A job is claimed with <c>FOR UPDATE SKIP
/// LOCKED</c> and a lease that a heartbeat renews; if the replica dies, the lease runs out and another
/// replica claims the job again (attempts are counted, so a job that crashes every replica is
/// eventually given up). On a graceful shutdown running jobs are handed back at once. A job that fails
/// only fails itself: bad input fails permanently with the reason, transient errors retry with backoff.
/// </summary>
public sealed partial class IngestionWorker(
    IngestionJobRepository repository,
    IngestionProcessor processor,
    VectorCleanupRunner cleanups,
    KnowledgeNotifier notifier,
    NpgsqlDataSource dataSource,
    IngestionOptions options,
    RetrievalTelemetry telemetry,
    TimeProvider timeProvider,
    ILogger<IngestionWorker> logger) : BackgroundService
{
    public const string NotifyChannel = IngestionJobRepository.IngestionChannel;

    private readonly string _owner = LeasedWork.NewOwner();
    private const string Work = "Ingestion";

    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);

    /// <summary>This replica's lease-owner id (host:pid:random).</summary>
    public string Owner => _owner;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled)
        {
            return;
        }

        var loops = new List<Task> { ListenAsync(stoppingToken), MaintainAsync(stoppingToken) };
        for (var i = 0; i < options.Concurrency; i++)
        {
            loops.Add(ProcessLoopAsync(stoppingToken));
        }

        await Task.WhenAll(loops);
    }

    /// <summary>Wakes idle workers now (this replica enqueued a job).</summary>
    public void Wake()
    {
        if (_wake.CurrentCount < options.Concurrency)
        {
            _wake.Release(options.Concurrency);
        }
    }

    private async Task ProcessLoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var job = await repository.ClaimNextAsync(_owner, options.LeaseDuration, stoppingToken);
                if (job is null)
                {
                    await _wake.WaitAsync(options.PollInterval, stoppingToken);
                    continue;
                }

                await RunAsync(job, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                LeasedWork.DependencyUnavailable(logger, Work, ex.Message);
                await Delay(options.PollInterval, stoppingToken);
            }
            catch (Exception ex)
            {
                // Never let one bad moment stop this replica's worker (a failing background service stops the host).
                LeasedWork.LoopFailed(logger, Work, ex);
                await Delay(options.PollInterval, stoppingToken);
            }
        }
    }

    /// <summary>Runs one claimed job to its end (public for tests that drive the worker step by step).</summary>
    public async Task RunAsync(ClaimedJob claimed, CancellationToken stoppingToken)
    {
        var job = claimed.Job;
        using var activity = RetrievalTelemetry.ActivitySource.StartActivity("ingest video");
        activity?.SetTag("creatorchat.creator_id", job.CreatorSlug);
        activity?.SetTag("creatorchat.video_id", job.VideoId);
        activity?.SetTag("creatorchat.job_id", job.Id.ToString());
        var started = Stopwatch.GetTimestamp();

        if (job.Attempts > options.MaxAttempts)
        {
            await FailAsync(job, claimed.LeaseOwner, $"Gave up after {options.MaxAttempts} attempts: {job.Error ?? "the service stopped while processing it"}");
            telemetry.JobFinished("failed", Stopwatch.GetElapsedTime(started), 0);
            return;
        }

        using var jobCancellation = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var progress = new ProgressBox();
        var leaseLost = false;
        using var heartbeatStop = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(job.Id, claimed.LeaseOwner, progress, () =>
        {
            leaseLost = true;
            jobCancellation.Cancel();
        }, heartbeatStop.Token);

        LogStarted(logger, job.Id, job.CreatorSlug, job.VideoId, job.Attempts);
        try
        {
            IngestionOutput output;
            try
            {
                output = await processor.ProcessAsync(job, claimed.Transcript, progress.Report, jobCancellation.Token);
            }
            finally
            {
                await heartbeatStop.CancelAsync();
                await heartbeat;
            }

            var activation = await repository.ActivateAsync(job.Id, claimed.LeaseOwner, output.CueCount, output.ChunkCount, CancellationToken.None);
            switch (activation.Outcome)
            {
                case ActivationOutcome.Activated:
                    LogSucceeded(logger, job.Id, job.CreatorSlug, job.VideoId, output.CueCount, output.ChunkCount, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    telemetry.JobFinished("succeeded", Stopwatch.GetElapsedTime(started), output.CueCount);
                    await notifier.NotifyAsync(job.CreatorSlug);
                    break;
                case ActivationOutcome.NotWritten:
                    // The embedding space switched while this job ran (or the active one's model does not run here and the
                    // re-embedding has not finished): write it again later, into the space search uses then.
                    LogRewrite(logger, job.Id);
                    await Quietly(() => repository.ReleaseAsync(job.Id, claimed.LeaseOwner, CancellationToken.None, options.PollInterval));
                    telemetry.JobFinished("retry", Stopwatch.GetElapsedTime(started), 0);
                    return;
                case ActivationOutcome.Superseded:
                    LogSuperseded(logger, job.Id, job.VideoId);
                    telemetry.JobFinished("superseded", Stopwatch.GetElapsedTime(started), 0);
                    break;
                default:
                    LeasedWork.LeaseLost(logger, Work, $"job {job.Id}");
                    telemetry.JobFinished("lease_lost", Stopwatch.GetElapsedTime(started), 0);
                    return;
            }

            await cleanups.RunDueAsync(CancellationToken.None);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Graceful shutdown: hand the job back so another replica starts it now, not after the lease.
            await Quietly(() => repository.ReleaseAsync(job.Id, claimed.LeaseOwner, CancellationToken.None));
            LogReleased(logger, job.Id);
        }
        catch (OperationCanceledException) when (leaseLost)
        {
            LeasedWork.LeaseLost(logger, Work, $"job {job.Id}");
            telemetry.JobFinished("lease_lost", Stopwatch.GetElapsedTime(started), 0);
            await Quietly(async () =>
            {
                if (await repository.DiscardIfFailedAsync(job.Id, CancellationToken.None))
                {
                    await cleanups.RunDueAsync(CancellationToken.None);
                }
            });
        }
        catch (IngestionRejectedException ex)
        {
            await FailAsync(job, claimed.LeaseOwner, ex.Message);
            telemetry.JobFinished("failed", Stopwatch.GetElapsedTime(started), 0);
        }
        catch (Exception ex)
        {
            // Anything else is treated as transient — including a timeout inside an HTTP call, which surfaces as a
            // cancellation that is neither ours nor the lease's.
            var reason = Describe(ex);
            if (job.Attempts >= options.MaxAttempts)
            {
                await FailAsync(job, claimed.LeaseOwner, $"Gave up after {job.Attempts} attempts: {reason}");
                telemetry.JobFinished("failed", Stopwatch.GetElapsedTime(started), 0);
            }
            else
            {
                var delay = TimeSpan.FromTicks(options.RetryBaseDelay.Ticks * (1L << Math.Min(job.Attempts - 1, 6)));
                LogRetrying(logger, ex, job.Id, delay, reason);
                await Quietly(() => repository.RetryLaterAsync(job.Id, claimed.LeaseOwner, reason, delay, CancellationToken.None));
                telemetry.JobFinished("retry", Stopwatch.GetElapsedTime(started), 0);
            }
        }
    }

    private async Task FailAsync(IngestionJob job, string owner, string reason)
    {
        LogFailed(logger, job.Id, job.CreatorSlug, job.VideoId, reason);
        var cleanup = await repository.FailAsync(job.Id, owner, reason, CancellationToken.None);
        if (cleanup is not null)
        {
            await cleanups.RunDueAsync(CancellationToken.None);
        }
    }

    private async Task HeartbeatAsync(Guid jobId, string owner, ProgressBox progress, Action onLost, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.HeartbeatInterval, timeProvider, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                if (!await repository.HeartbeatAsync(jobId, owner, progress.Value, options.LeaseDuration, stop))
                {
                    onLost();
                    return;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                // The lease is still ours until it expires; the next beat tries again.
                LeasedWork.DependencyUnavailable(logger, Work, ex.Message);
            }
        }
    }

    // Postgres LISTEN: a job enqueued by any replica wakes idle workers everywhere immediately.
    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, _) => Wake();
                await using (var listen = new NpgsqlCommand($"LISTEN {NotifyChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                Wake(); // anything enqueued while not listening
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException)
            {
                LeasedWork.DependencyUnavailable(logger, Work, ex.Message);
                await Delay(options.PollInterval, stoppingToken);
            }
        }
    }

    // Vector clean-ups that could not run inline, and forgetting old finished jobs.
    private async Task MaintainAsync(CancellationToken stoppingToken)
    {
        var nextPrune = timeProvider.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await cleanups.RunDueAsync(stoppingToken);
                if (timeProvider.GetUtcNow() >= nextPrune)
                {
                    var pruned = await repository.PruneFinishedJobsAsync(options.FinishedJobRetention, stoppingToken);
                    if (pruned > 0)
                    {
                        LogPruned(logger, pruned);
                    }

                    nextPrune = timeProvider.GetUtcNow() + TimeSpan.FromHours(1);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                LeasedWork.DependencyUnavailable(logger, Work, ex.Message);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LeasedWork.LoopFailed(logger, Work, ex);
            }

            await Delay(TimeSpan.FromSeconds(15), stoppingToken);
        }
    }

    private async Task Delay(TimeSpan delay, CancellationToken cancellationToken) =>
        await Task.Delay(delay, timeProvider, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

    private async Task Quietly(Func<Task> action)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await action().WaitAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or OperationCanceledException)
        {
            // The lease expiry covers it: another attempt will happen.
            LeasedWork.DependencyUnavailable(logger, Work, ex.Message);
        }
    }

    private static string Describe(Exception ex) => ex switch
    {
        VectorStores.EmbeddingSpaceMismatchException => ex.Message,
        VectorStores.VectorStoreException => "The vector store failed: " + ex.Message,
        NpgsqlException => "The database was unavailable.",
        System.ClientModel.ClientResultException c => $"The embedding service failed (HTTP {c.Status}).",
        HttpRequestException or Polly.CircuitBreaker.BrokenCircuitException => "The embedding service could not be reached.",
        OperationCanceledException or TimeoutException or Polly.Timeout.TimeoutRejectedException => "A dependency timed out.",
        _ => "An unexpected error occurred (" + ex.GetType().Name + ").",
    };

    private sealed class ProgressBox
    {
        private float _value;

        public float Value => Volatile.Read(ref _value);

        public void Report(float value) => Volatile.Write(ref _value, Math.Clamp(value, 0f, 1f));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingestion job {JobId} started: {CreatorSlug}/{VideoId} (attempt {Attempt})")]
    private static partial void LogStarted(ILogger logger, Guid jobId, string creatorSlug, string videoId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingestion job {JobId} succeeded: {CreatorSlug}/{VideoId}, {Cues} cues, {Chunks} chunks in {ElapsedMs:0} ms")]
    private static partial void LogSucceeded(ILogger logger, Guid jobId, string creatorSlug, string videoId, int cues, int chunks, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingestion job {JobId} failed: {CreatorSlug}/{VideoId}: {Reason}")]
    private static partial void LogFailed(ILogger logger, Guid jobId, string creatorSlug, string videoId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingestion job {JobId} will be retried in {Delay}: {Reason}")]
    private static partial void LogRetrying(ILogger logger, Exception exception, Guid jobId, TimeSpan delay, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingestion job {JobId} was superseded (video {VideoId} re-uploaded or deleted); its chunks are discarded")]
    private static partial void LogSuperseded(ILogger logger, Guid jobId, string videoId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingestion job {JobId} runs again: the active embedding space changed while it ran")]
    private static partial void LogRewrite(ILogger logger, Guid jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingestion job {JobId} handed back for another replica (shutting down)")]
    private static partial void LogReleased(ILogger logger, Guid jobId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Forgot {Count} finished ingestion jobs")]
    private static partial void LogPruned(ILogger logger, int count);
}
