using CreatorChat.Chat.Infrastructure;
using CreatorChat.Chat.Llm;
using CreatorChat.Chat.Model;
using CreatorChat.Chat.Pipeline;
using CreatorChat.ServiceDefaults.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace CreatorChat.Chat.Extensions;

public static class Extensions
{
    /// <summary>
    /// Everything chat runs on besides the defaults: token validation, <c>chatdb</c> (tuned, with its
    /// migrations), the Redis answer cache, the answer pipeline and what it talks to, the chat model,
    /// OpenAPI and the request body limit. Every options class is validated when the service starts.
    /// </summary>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformAuthentication();
        ChatDatabase.TuneConnectionString(builder.Configuration);
        builder.AddNpgsqlDataSource(ChatDatabase.ConnectionName, migrationsAssembly: typeof(ChatDatabase).Assembly);
        // The answer cache is an optimisation: without Redis chat still answers, so Redis only degrades health.
        builder.AddRedisClient("cache", requiredForReadiness: false);
        builder.AddChatOptions();
        builder.AddChatPipeline();
        builder.AddChatModel();
        builder.Services.AddOpenApi();
        builder.Services.Configure<KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = ChatLimits.MaxRequestBodyBytes);
        return builder;
    }

    /// <summary>
    /// WebSockets, then authentication and authorization: the <c>access_token</c> query parameter is only
    /// read on upgrade requests, which the WebSockets middleware must have recognised first.
    /// </summary>
    public static WebApplication UseChatMiddleware(this WebApplication app)
    {
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20), KeepAliveTimeout = TimeSpan.FromSeconds(30) });
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    /// <summary>Chat's settings, bound one way and validated at start: a bad value stops the service naming the option.</summary>
    private static void AddChatOptions(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<ChatServiceOptions>(ChatServiceOptions.Section);
        builder.AddValidatedOptions<ChatModelOptions>(ChatModelOptions.Section);
        builder.AddValidatedOptions<OfflineModelOptions>(OfflineModelOptions.Section);
    }

    /// <summary>The answer pipeline and what it talks to: creator and retrieval services, Postgres, the Redis cache.</summary>
    private static void AddChatPipeline(this IHostApplicationBuilder builder)
    {
        // The resilience pipeline (timeouts, breaker; see Resilience:Http:Clients) owns timeouts.
        builder.Services.AddHttpClient(CreatorDirectory.HttpClientName, client =>
        {
            client.BaseAddress = new Uri("http://creator");
            client.Timeout = Timeout.InfiniteTimeSpan;
        });
        builder.Services.AddHttpClient(RetrievalClient.HttpClientName, client =>
        {
            client.BaseAddress = new Uri("http://retrieval");
            client.Timeout = Timeout.InfiniteTimeSpan;
        });

        builder.Services
            .AddSingleton<ChatMetrics>()
            .AddSingleton<CreatorDirectory>()
            .AddSingleton<RetrievalClient>()
            .AddSingleton<KnowledgeVersions>()
            .AddSingleton<AnswerCache>()
            .AddSingleton<ActiveStreams>()
            .AddSingleton<WriteBatcher>()
            .AddSingleton<DatabaseBreaker>()
            .AddSingleton<ConversationStore>()
            .AddSingleton<InsightsQueries>()
            .AddSingleton<ChatPipeline>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WriteBatcher>());
        builder.Services.AddHostedService<KnowledgeChangeListener>();
        builder.Services.AddHostedService<ActiveStreamsReporter>();
    }

    /// <summary>
    /// The chat model: an OpenAI-compatible server when <c>ConnectionStrings__llm</c> is set, the
    /// built-in offline model otherwise — either in the same Microsoft.Extensions.AI pipeline:
    /// OpenTelemetry (GenAI spans and metrics, never prompts or answers) and logging (call outcome at
    /// Debug; message contents only at Trace, which production never enables).
    /// </summary>
    private static void AddChatModel(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(LlmConnection.ConnectionName);
        ChatClientBuilder model;
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            var connection = LlmConnection.Parse(connectionString);
            builder.Services.AddHttpClient(LlmConnection.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
                .WithResilienceOptions(LlmConnection.HttpClientName);
            model = builder.Services.AddChatClient(sp => OpenAiCompatibleModel.Create(
                connection,
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(LlmConnection.HttpClientName),
                sp.GetRequiredService<IOptions<ChatModelOptions>>().Value.IdleTimeout));
        }
        else
        {
            builder.Services.AddSingleton<OfflineChatClient>();
            model = builder.Services.AddChatClient(sp => sp.GetRequiredService<OfflineChatClient>());
        }

        model.UseLogging(configure: logging => logging.JsonSerializerOptions = PromptContextContent.LoggingJson).UseOpenTelemetry(sourceName: ChatMetrics.ActivitySourceName);
    }
}
