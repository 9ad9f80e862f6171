using System.ClientModel;
using System.ClientModel.Primitives;
using CreatorChat.Chat.Infrastructure;
using CreatorChat.ServiceDefaults.Http;
using Microsoft.Extensions.AI;
using OpenAI;

namespace CreatorChat.Chat.Llm;

public sealed class ChatModelOptions
{
    public const string Section = "Chat:Model";

    /// <summary>A streaming model that stays silent this long is treated as down.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

public static class ChatModelExtensions
{
    public const string LlmConnectionName = "llm";
    public const string LlmHttpClient = "llm";

    /// <summary>
    /// The chat model: an OpenAI-compatible server when <c>ConnectionStrings__llm</c> is set, the
    /// built-in offline model otherwise — either in the same Microsoft.Extensions.AI pipeline:
    /// OpenTelemetry (GenAI spans and metrics, never prompts or answers) and logging (call outcome at
    /// Debug; message contents only at Trace, which production never enables).
    /// </summary>
    public static IHostApplicationBuilder AddChatModel(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<ChatModelOptions>(builder.Configuration.GetSection(ChatModelOptions.Section));
        builder.Services.Configure<OfflineModelOptions>(builder.Configuration.GetSection(OfflineModelOptions.Section));

        var connectionString = builder.Configuration.GetConnectionString(LlmConnectionName);
        ChatClientBuilder model;
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            var connection = LlmConnection.Parse(connectionString);
            builder.Services.AddHttpClient(LlmHttpClient, client => client.Timeout = Timeout.InfiniteTimeSpan)
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
                .WithResilienceOptions(LlmHttpClient);
            model = builder.Services.AddChatClient(sp => OpenAIChatModel(
                connection,
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(LlmHttpClient),
                sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ChatModelOptions>>().Value.IdleTimeout));
        }
        else
        {
            builder.Services.AddSingleton<OfflineChatClient>();
            model = builder.Services.AddChatClient(sp => sp.GetRequiredService<OfflineChatClient>());
        }

        model.UseLogging().UseOpenTelemetry(sourceName: ChatMetrics.ActivitySourceName);
        return builder;
    }

    /// <summary>
    /// An OpenAI-compatible server (OpenAI, Azure OpenAI's v1 endpoint, Ollama, vLLM) through the
    /// OpenAI SDK. Requests go through the service's HttpClient pipeline (timeouts, breaker, request
    /// ids); the SDK's own retries are off so that resilience lives in one place. Streaming reads time
    /// out when the server stays silent for <paramref name="idleTimeout"/>.
    /// </summary>
    public static IChatClient OpenAIChatModel(LlmConnection connection, HttpClient httpClient, TimeSpan idleTimeout)
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
