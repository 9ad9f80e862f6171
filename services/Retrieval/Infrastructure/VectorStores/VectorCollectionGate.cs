using CreatorChat.Retrieval.Infrastructure.Embeddings;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CreatorChat.Retrieval.Infrastructure.VectorStores;

/// <summary>
/// Makes sure, once per process, that the vector collection exists and was built with the configured
/// embedding model and dimension, before anything is written or searched. Failures are retried on the
/// next use (the store may come up later); a model mismatch is reported loudly every time.
/// </summary>
public sealed partial class VectorCollectionGate(IVectorStore store, Embedder embedder, ILogger<VectorCollectionGate> logger)
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private volatile bool _ready;

    public Exception? LastError { get; private set; }

    public bool IsReady => _ready;

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (_ready)
        {
            return;
        }

        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (_ready)
            {
                return;
            }

            var space = await embedder.GetSpaceAsync(cancellationToken);
            try
            {
                await store.EnsureCollectionAsync(space, cancellationToken);
            }
            catch (EmbeddingSpaceMismatchException ex)
            {
                LastError = ex;
                LogMismatch(logger, ex.Message);
                throw;
            }

            _ready = true;
            LastError = null;
            LogReady(logger, store.Kind, space.ToString());
        }
        catch (Exception ex) when (ex is not OperationCanceledException && ex is not EmbeddingSpaceMismatchException)
        {
            LastError = ex;
            throw;
        }
        finally
        {
            _lock.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "{Reason}")]
    private static partial void LogMismatch(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Vector store ready: {Store} collection for {Space}")]
    private static partial void LogReady(ILogger logger, string store, string space);
}

/// <summary>Ready only when the vector collection is usable with the configured embedding model.</summary>
public sealed class VectorStoreHealthCheck(VectorCollectionGate gate) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await gate.EnsureAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The vector store is not usable.", ex);
        }
    }
}
