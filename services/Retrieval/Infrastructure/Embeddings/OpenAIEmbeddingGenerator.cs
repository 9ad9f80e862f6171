using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;
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

    /// <summary>Attempts per request when the provider answers 408, 429 or 5xx (the OpenAI client's retry policy, which honours Retry-After).</summary>
    public int MaxAttempts { get; init; } = 6;
}

/// <summary>
/// Any OpenAI-compatible embeddings endpoint as an <see cref="IEmbeddingGenerator{TInput,TEmbedding}"/>: the OpenAI
/// SDK's <see cref="EmbeddingClient"/> over the service's resilient <see cref="HttpClient"/>, adapted by
/// Microsoft.Extensions.AI.OpenAI (<c>AsIEmbeddingGenerator</c>), with our <see cref="BatchingEmbeddingGenerator"/> in front.
/// </summary>
public static class OpenAIEmbeddings
{
    public static IEmbeddingGenerator<string, Embedding<float>> Create(HttpClient http, EmbeddingConnection connection, OpenAIEmbeddingOptions options)
    {
        var client = new EmbeddingClient(connection.Model, new ApiKeyCredential(connection.Key ?? "unused"), new OpenAIClientOptions
        {
            Endpoint = connection.Endpoint,
            Transport = new HttpClientPipelineTransport(http),
            RetryPolicy = new ClientRetryPolicy(maxRetries: Math.Max(0, options.MaxAttempts - 1)),
            NetworkTimeout = TimeSpan.FromSeconds(100),
        });
        return new BatchingEmbeddingGenerator(client.AsIEmbeddingGenerator(connection.Dimensions), options);
    }
}

/// <summary>
/// Splits large inputs into requests of at most <see cref="OpenAIEmbeddingOptions.MaxBatchInputs"/> inputs and
/// <see cref="OpenAIEmbeddingOptions.MaxBatchChars"/> characters, at most <see cref="OpenAIEmbeddingOptions.MaxConcurrency"/>
/// in flight per replica, and puts the results back in input order.
/// </summary>
public sealed class BatchingEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner, OpenAIEmbeddingOptions options)
    : DelegatingEmbeddingGenerator<string, Embedding<float>>(inner)
{
    private readonly SemaphoreSlim _concurrency = new(Math.Max(1, options.MaxConcurrency));

    public override async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, Microsoft.Extensions.AI.EmbeddingGenerationOptions? generationOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var inputs = values.ToList();
        var results = new Embedding<float>[inputs.Count];
        await Task.WhenAll(Batches(inputs).Select(async batch =>
        {
            await _concurrency.WaitAsync(cancellationToken);
            try
            {
                var embeddings = await base.GenerateAsync(inputs.GetRange(batch.Offset, batch.Count), generationOptions, cancellationToken);
                if (embeddings.Count != batch.Count)
                {
                    throw new InvalidOperationException($"The embedding service returned {embeddings.Count} embeddings for {batch.Count} inputs.");
                }

                embeddings.CopyTo(results, batch.Offset);
            }
            finally
            {
                _concurrency.Release();
            }
        }));

        return new GeneratedEmbeddings<Embedding<float>>(results);
    }

    private IEnumerable<(int Offset, int Count)> Batches(List<string> inputs)
    {
        var start = 0;
        var chars = 0;
        for (var i = 0; i < inputs.Count; i++)
        {
            var length = inputs[i].Length;
            if (i > start && (i - start >= options.MaxBatchInputs || chars + length > options.MaxBatchChars))
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

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _concurrency.Dispose();
        }

        base.Dispose(disposing);
    }
}
