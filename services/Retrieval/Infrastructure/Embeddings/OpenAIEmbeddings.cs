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
