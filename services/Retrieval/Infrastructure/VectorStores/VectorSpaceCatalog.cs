using System.Collections.Concurrent;
using CreatorChat.Retrieval.Infrastructure.Data;
using CreatorChat.Retrieval.Infrastructure.Embeddings;
using CreatorChat.Retrieval.Model;

namespace CreatorChat.Retrieval.Infrastructure.VectorStores;

/// <summary>
/// The embedding spaces (vector collections) from <c>embedding_spaces</c>, each with its store ready and its model.
/// On first use it registers the configured model: if it is not the active space's, a new space is started and the
/// re-embedding worker (<c>ReembeddingWorker</c>) fills it; search keeps answering from the active one until the switch.
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
