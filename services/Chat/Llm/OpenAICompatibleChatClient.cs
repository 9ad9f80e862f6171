using System.ClientModel;
using System.ClientModel.Primitives;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using AiChatMessage = Microsoft.Extensions.AI.ChatMessage;
using AiChatRole = Microsoft.Extensions.AI.ChatRole;
using AiFinishReason = Microsoft.Extensions.AI.ChatFinishReason;
using OpenAiChatMessage = OpenAI.Chat.ChatMessage;

namespace CreatorChat.Chat.Llm;

/// <summary>
/// <see cref="IChatClient"/> over the OpenAI SDK's <see cref="ChatClient"/>, for any
/// OpenAI-compatible server (OpenAI, Azure OpenAI's v1 endpoint, Ollama, vLLM). Requests go through
/// the service's HttpClient pipeline (timeouts, breaker, request ids); the SDK's own retries are off
/// so that resilience lives in one place. Streaming reads time out when the server goes quiet.
/// </summary>
public sealed class OpenAICompatibleChatClient : IChatClient
{
    private readonly ChatClient _client;
    private readonly ChatClientMetadata _metadata;

    public OpenAICompatibleChatClient(LlmConnection connection, HttpClient httpClient, TimeSpan networkTimeout)
    {
        var options = new OpenAIClientOptions
        {
            Endpoint = connection.Endpoint,
            Transport = new HttpClientPipelineTransport(httpClient),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = networkTimeout,
        };
        _client = new ChatClient(connection.Model, new ApiKeyCredential(connection.Key ?? "unused"), options);
        _metadata = new ChatClientMetadata("openai-compatible", connection.Endpoint, connection.Model);
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<AiChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var completion = (await _client.CompleteChatAsync(ToOpenAi(messages), ToOpenAi(options), cancellationToken)).Value;
        var text = string.Concat(completion.Content.Where(p => p.Kind == ChatMessageContentPartKind.Text).Select(p => p.Text));
        var response = new ChatResponse(new AiChatMessage(AiChatRole.Assistant, text) { MessageId = completion.Id })
        {
            ResponseId = completion.Id,
            ModelId = completion.Model,
            CreatedAt = completion.CreatedAt,
            FinishReason = ToFinishReason(completion.FinishReason),
            Usage = ToUsage(completion.Usage),
        };
        return response;
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<AiChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var updates = _client.CompleteChatStreamingAsync(ToOpenAi(messages), ToOpenAi(options), cancellationToken);
        await foreach (var update in updates.WithCancellation(cancellationToken))
        {
            var result = new ChatResponseUpdate
            {
                Role = AiChatRole.Assistant,
                ResponseId = update.CompletionId,
                MessageId = update.CompletionId,
                ModelId = update.Model,
                CreatedAt = update.CreatedAt,
                FinishReason = update.FinishReason is { } finish ? ToFinishReason(finish) : null,
                RawRepresentation = update,
            };

            foreach (var part in update.ContentUpdate)
            {
                if (part.Kind == ChatMessageContentPartKind.Text && !string.IsNullOrEmpty(part.Text))
                {
                    result.Contents.Add(new TextContent(part.Text));
                }
            }

            if (update.Usage is { } usage)
            {
                result.Contents.Add(new UsageContent(ToUsage(usage)!));
            }

            if (result.Contents.Count > 0 || result.FinishReason is not null)
            {
                yield return result;
            }
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? _metadata
        : serviceType == typeof(ChatClient) ? _client
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }

    internal static List<OpenAiChatMessage> ToOpenAi(IEnumerable<AiChatMessage> messages)
    {
        var result = new List<OpenAiChatMessage>();
        foreach (var message in messages)
        {
            var text = message.Text;
            if (message.Role == AiChatRole.System)
            {
                result.Add(new SystemChatMessage(text));
            }
            else if (message.Role == AiChatRole.Assistant)
            {
                result.Add(new AssistantChatMessage(text));
            }
            else
            {
                result.Add(new UserChatMessage(text));
            }
        }

        return result;
    }

    private static ChatCompletionOptions ToOpenAi(ChatOptions? options)
    {
        var result = new ChatCompletionOptions();
        if (options is null)
        {
            return result;
        }

        result.MaxOutputTokenCount = options.MaxOutputTokens;
        result.Temperature = options.Temperature;
        result.TopP = options.TopP;
        if (options.StopSequences is { Count: > 0 } stops)
        {
            foreach (var stop in stops)
            {
                result.StopSequences.Add(stop);
            }
        }

        return result;
    }

    private static AiFinishReason ToFinishReason(OpenAI.Chat.ChatFinishReason reason) => reason switch
    {
        OpenAI.Chat.ChatFinishReason.Length => AiFinishReason.Length,
        OpenAI.Chat.ChatFinishReason.ContentFilter => AiFinishReason.ContentFilter,
        OpenAI.Chat.ChatFinishReason.ToolCalls or OpenAI.Chat.ChatFinishReason.FunctionCall => AiFinishReason.ToolCalls,
        _ => AiFinishReason.Stop,
    };

    private static UsageDetails? ToUsage(ChatTokenUsage? usage) => usage is null
        ? null
        : new UsageDetails
        {
            InputTokenCount = usage.InputTokenCount,
            OutputTokenCount = usage.OutputTokenCount,
            TotalTokenCount = usage.TotalTokenCount,
        };
}

/// <summary><c>ConnectionStrings__llm</c>: <c>Endpoint=https://api.openai.com/v1;Key=…;Model=gpt-4o-mini</c>.</summary>
public sealed record LlmConnection(Uri Endpoint, string? Key, string Model)
{
    public static LlmConnection Parse(string connectionString)
    {
        var builder = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        string? Get(string key) => builder.TryGetValue(key, out var value) ? value?.ToString() : null;

        var endpoint = Get("Endpoint");
        if (string.IsNullOrWhiteSpace(endpoint) || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new InvalidOperationException("ConnectionStrings:llm needs Endpoint=<absolute http(s) URL>.");
        }

        var model = Get("Model") ?? Get("Deployment");
        if (string.IsNullOrWhiteSpace(model))
        {
            throw new InvalidOperationException("ConnectionStrings:llm needs Model=<model or deployment name>.");
        }

        var key = Get("Key") ?? Get("AccessKey") ?? Get("ApiKey");
        return new LlmConnection(uri, string.IsNullOrWhiteSpace(key) ? null : key, model);
    }
}
