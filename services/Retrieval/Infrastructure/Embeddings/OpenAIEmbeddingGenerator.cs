using System.ClientModel;
using System.Globalization;
using Microsoft.Extensions.AI;
using OpenAI.Embeddings;

namespace CreatorChat.Retrieval.Infrastructure.Embeddings;

public sealed record OpenAIEmbeddingOptions
{
    /// <summary>Inputs per request (OpenAI accepts up to 2048).</summary>
    public int MaxBatchInputs { get; init; } = 96;

    /// <summary>Characters per request, a proxy for the provider's token limit per request.</summary>
    public int MaxBatchChars { get; init; } = 120_000;

    /// <summary>Requests in flight at once from this replica, so one big upload does not trip the provider's rate limit.</summary>
    public int MaxConcurrency { get; init; } = 2;

    /// <summary>Attempts per batch when the provider answers 429, 408 or 5xx.</summary>
    public int MaxAttempts { get; init; } = 6;

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait honoured from a Retry-After header; a longer one fails the batch instead of hanging a job.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>
/// <see cref="IEmbeddingGenerator{TInput,TEmbedding}"/> over any OpenAI-compatible embeddings endpoint (the
/// Microsoft.Extensions.AI.OpenAI adapter is not available here). Splits large inputs into batches,
/// limits concurrency, and backs off on rate limits honouring <c>retry-after-ms</c> / <c>Retry-After</c>.
/// </summary>
public sealed partial class OpenAIEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly EmbeddingClient _client;
    private readonly EmbeddingConnection _connection;
    private readonly OpenAIEmbeddingOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _concurrency;
    private readonly EmbeddingGeneratorMetadata _metadata;

    public OpenAIEmbeddingGenerator(
        EmbeddingClient client, EmbeddingConnection connection, OpenAIEmbeddingOptions options, TimeProvider timeProvider, ILogger<OpenAIEmbeddingGenerator> logger)
    {
        _client = client;
        _connection = connection;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _concurrency = new SemaphoreSlim(Math.Max(1, options.MaxConcurrency));
        _metadata = new EmbeddingGeneratorMetadata("openai-compatible", connection.Endpoint, connection.Model, connection.Dimensions);
    }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, Microsoft.Extensions.AI.EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var inputs = values.ToList();
        var batches = Batches(inputs).ToList();
        var results = new Embedding<float>[inputs.Count];

        await Task.WhenAll(batches.Select(async batch =>
        {
            var embeddings = await EmbedBatchAsync(inputs.GetRange(batch.Offset, batch.Count), cancellationToken);
            foreach (var embedding in embeddings)
            {
                results[batch.Offset + embedding.Index] = new Embedding<float>(embedding.ToFloats())
                {
                    ModelId = _connection.Model,
                    CreatedAt = _timeProvider.GetUtcNow(),
                };
            }
        }));

        if (results.Any(r => r is null))
        {
            throw new InvalidOperationException("The embedding service returned fewer embeddings than inputs.");
        }

        return new GeneratedEmbeddings<Embedding<float>>(results);
    }

    private IEnumerable<(int Offset, int Count)> Batches(List<string> inputs)
    {
        var start = 0;
        var chars = 0;
        for (var i = 0; i < inputs.Count; i++)
        {
            var length = inputs[i].Length;
            if (i > start && (i - start >= _options.MaxBatchInputs || chars + length > _options.MaxBatchChars))
            {
                yield return (start, i - start);
                start = i;
                chars = 0;
            }

            chars += length;
        }

        if (inputs.Count > start)
        {
            yield return (start, inputs.Count - start);
        }
    }

    private async Task<OpenAIEmbeddingCollection> EmbedBatchAsync(List<string> batch, CancellationToken cancellationToken)
    {
        var request = new OpenAI.Embeddings.EmbeddingGenerationOptions { Dimensions = _connection.Dimensions };
        for (var attempt = 1; ; attempt++)
        {
            await _concurrency.WaitAsync(cancellationToken);
            TimeSpan delay;
            try
            {
                var response = await _client.GenerateEmbeddingsAsync(batch, request, cancellationToken);
                return response.Value;
            }
            catch (ClientResultException ex) when (IsTransient(ex.Status) && attempt < _options.MaxAttempts)
            {
                delay = RetryDelay(ex, attempt);
                LogRetry(_logger, ex.Status, delay, attempt, batch.Count);
            }
            finally
            {
                _concurrency.Release();
            }

            await Task.Delay(delay, _timeProvider, cancellationToken);
        }
    }

    private static bool IsTransient(int status) => status is 0 or 408 or 429 or >= 500;

    private TimeSpan RetryDelay(ClientResultException ex, int attempt)
    {
        var headers = ex.GetRawResponse()?.Headers;
        if (headers is not null)
        {
            if (headers.TryGetValue("retry-after-ms", out var ms) &&
                double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds) && milliseconds >= 0)
            {
                return Clamp(TimeSpan.FromMilliseconds(milliseconds));
            }

            if (headers.TryGetValue("Retry-After", out var retryAfter))
            {
                if (double.TryParse(retryAfter, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
                {
                    return Clamp(TimeSpan.FromSeconds(seconds));
                }

                if (DateTimeOffset.TryParse(retryAfter, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                {
                    return Clamp(at - _timeProvider.GetUtcNow());
                }
            }
        }

        // Exponential backoff with full jitter.
        var ceiling = _options.BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1);
        return Clamp(TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling));
    }

    private TimeSpan Clamp(TimeSpan delay) =>
        delay < TimeSpan.Zero ? TimeSpan.Zero : delay > _options.MaxDelay ? _options.MaxDelay : delay;

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata
        : serviceType == typeof(EmbeddingClient) ? _client
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose() => _concurrency.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedding request failed with HTTP {Status}; retrying in {Delay} (attempt {Attempt}, {Inputs} inputs)")]
    private static partial void LogRetry(ILogger logger, int status, TimeSpan delay, int attempt, int inputs);
}
