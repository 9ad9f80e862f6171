using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.Extensions.AI;
using OpenAI;

namespace CreatorChat.Chat.Llm;

/// <summary>
/// An OpenAI-compatible server (OpenAI, Azure OpenAI's v1 endpoint, Ollama, vLLM) through the
/// OpenAI SDK. Requests go through the service's HttpClient pipeline (timeouts, breaker, request
/// ids); the SDK's own retries are off so that resilience lives in one place.
/// </summary>
public static class OpenAiCompatibleModel
{
    /// <summary>Streaming reads time out when the server stays silent for <paramref name="idleTimeout"/>.</summary>
    public static IChatClient Create(LlmConnection connection, HttpClient httpClient, TimeSpan idleTimeout)
    {
        var options = new OpenAIClientOptions
        {
            Endpoint = connection.Endpoint,
            Transport = new HttpClientPipelineTransport(httpClient),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = idleTimeout,
        };
        return new OpenAIClient(new ApiKeyCredential(connection.Key ?? "unused"), options)
            .GetChatClient(connection.Model)
            .AsIChatClient();
    }
}
