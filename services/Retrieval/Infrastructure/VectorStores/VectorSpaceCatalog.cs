using System.Collections.Concurrent;
using CreatorChat.Retrieval.Infrastructure.Data;
using CreatorChat.Retrieval.Infrastructure.Embeddings;
using CreatorChat.Retrieval.Model;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CreatorChat.Retrieval.Infrastructure.VectorStores;

/// <summary>One embedding space as this replica uses it: its collection, and the model that embeds for it (null when it cannot run here).</summary>
public sealed record VectorSpace(long Id, string Collection, EmbeddingSpace Space, IVectorStore Store, Embedder? Embedder)
{
    public override string ToString() => $"{Space} in '{Collection}'";
}

/// <summary>
/// What search and ingestion use right now: the <see cref="Active"/> space (search answers from it), and while a
/// re-embedding runs the <see cref="Building"/> one with its <see cref="Progress"/>. Ingestion writes every space
/// whose model runs here (<see cref="Writable"/>), so new uploads are in both when the switch comes.
/// </summary>
public sealed record VectorSpaceState(VectorSpace Active, VectorSpace? Building, ReembeddingProgress? Progress)
{
    public IEnumerable<VectorSpace> Live => Building is null ? [Active] : [Active, Building];

    public IEnumerable<VectorSpace> Writable => Live.Where(s => s.Embedder is not null);
}

public sealed record ReembeddingOptions
{
    /// <summary>Run the re-embedding job in this replica when one is due (one replica at a time holds it).</summary>
    public bool Enabled { get; init; } = true;

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the job stays this replica's without a heartbeat (one per video); then another replica resumes it.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Videos read per round of the job.</summary>
    public int BatchVideos { get; init; } = 50;

    /// <summary>How long a replaced collection is kept after the switch, for searches that still use it (replicas re-read the spaces every <see cref="RefreshInterval"/>).</summary>
    public TimeSpan RetireDelay { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How stale this replica's view of which space is active may be.</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// The embedding spaces (vector collections) from <c>embedding_spaces</c>, each with its store ready and its model.
/// On first use it registers the configured model: if it is not the active space's, a new space is started and the
/// <see cref="Ingestion.ReembeddingWorker"/> fills it; search keeps answering from the active one until the switch.
/// Re-read every <see cref="ReembeddingOptions.RefreshInterval"/>, so every replica follows a switch within that time.
/// Failures (the store or the database not up yet) are retried on the next use.
/// </summary>
public sealed partial class VectorSpaceCatalog(
    EmbeddingSpaceRepository repository,
    VectorStoreFactory stores,
    EmbeddingModels models,
    ReembeddingOptions options,
    RetrievalTelemetry telemetry,
    TimeProvider timeProvider,
    ILogger<VectorSpaceCatalog> logger)
{
    private readonly DateTimeOffset _started = timeProvider.GetUtcNow();
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly ConcurrentDictionary<long, VectorSpace> _spaces = new();
    private volatile VectorSpaceState? _state;
    private long _readAt;
    private bool _registered;
    private long _registeredAt;

    public string Kind => stores.Kind;

    /// <summary>The last state read, without asking the database (null before the first successful read).</summary>
    public VectorSpaceState? Current => _state;

    public Exception? LastError { get; private set; }

    public async Task<VectorSpaceState> GetAsync(CancellationToken cancellationToken)
    {
        if (_state is { } state && timeProvider.GetElapsedTime(Interlocked.Read(ref _readAt)) < options.RefreshInterval)
        {
            return state;
        }

        return await RefreshAsync(cancellationToken);
    }

    /// <summary>Reads the spaces now.</summary>
    public async Task<VectorSpaceState> RefreshAsync(CancellationToken cancellationToken)
    {
        var requested = timeProvider.GetTimestamp();
        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (_state is { } fresh && Interlocked.Read(ref _readAt) >= requested)
            {
                return fresh; // another caller read it meanwhile
            }

            // Registered once; again (at most every half minute) while the configured model is neither active nor being
            // built, e.g. after a replica of the previous configuration restarted and abandoned this one's space.
            var configured = await models.Configured.GetSpaceAsync(cancellationToken);
            var orphaned = _state is { } last && last.Active.Space != configured && last.Building?.Space != configured &&
                           timeProvider.GetElapsedTime(_registeredAt) > TimeSpan.FromSeconds(30);
            if (!_registered || orphaned)
            {
                var existing = await repository.AnyAsync(cancellationToken) ? null : await stores.Create(stores.FirstCollection).FindCollectionAsync(cancellationToken);
                await repository.RegisterAsync(stores.FirstCollection, existing, configured, _started, cancellationToken);
                _registered = true;
                _registeredAt = timeProvider.GetTimestamp();
            }

            var rows = await repository.ListLiveAsync(cancellationToken);
            var active = rows.SingleOrDefault(r => r.State == SpaceStates.Active)
                         ?? throw new InvalidOperationException("No active embedding space is registered.");
            var building = rows.SingleOrDefault(r => r.State == SpaceStates.Building);
            var next = new VectorSpaceState(
                await OpenAsync(active, cancellationToken),
                building is null ? null : await OpenAsync(building, cancellationToken),
                building is null ? null : new ReembeddingProgress(building.VideosDone, building.VideosTotal));

            foreach (var id in _spaces.Keys.Where(id => id != active.Id && id != building?.Id))
            {
                _spaces.TryRemove(id, out _);
            }

            Report(_state, next);
            _state = next;
            Interlocked.Exchange(ref _readAt, timeProvider.GetTimestamp());
            LastError = null;
            return next;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LastError = ex;
            throw;
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task<VectorSpace> OpenAsync(EmbeddingSpaceRow row, CancellationToken cancellationToken)
    {
        if (_spaces.TryGetValue(row.Id, out var open))
        {
            return open;
        }

        var space = new EmbeddingSpace(row.Model, row.Dimensions);
        var store = stores.Create(row.Collection);
        await store.EnsureCollectionAsync(space, cancellationToken);
        var embedder = await models.ForAsync(space, cancellationToken);
        if (embedder is null)
        {
            LogNoModel(logger, space.ToString());
        }

        open = new VectorSpace(row.Id, row.Collection, space, store, embedder);
        _spaces[row.Id] = open;
        return open;
    }

    private void Report(VectorSpaceState? previous, VectorSpaceState next)
    {
        telemetry.Reembedding(next.Building is null ? null : next.Progress);
        if (previous?.Active.Id != next.Active.Id)
        {
            LogActive(logger, stores.Kind, next.Active.ToString());
        }

        if (next.Building is { } building && previous?.Building?.Id != building.Id)
        {
            LogBuilding(logger, building.ToString(), next.Active.ToString());
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Vector store ready: search answers from the {Store} collection of {Space}")]
    private static partial void LogActive(ILogger logger, string store, string space);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The embedding model changed: stored passages are being re-embedded into {Building}; search answers from {Active} until that is complete")]
    private static partial void LogBuilding(ILogger logger, string building, string active);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No embedding model for {Space} runs in this replica: its searches rank by BM25 alone, and uploads wait for the re-embedding to finish")]
    private static partial void LogNoModel(ILogger logger, string space);
}

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
