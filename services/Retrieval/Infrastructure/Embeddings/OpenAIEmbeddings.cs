using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Embeddings;

namespace CreatorChat.Retrieval.Infrastructure.Embeddings;

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
