using CreatorChat.Chat.Pipeline;

namespace CreatorChat.Chat.Infrastructure;

public static class ChatServiceExtensions
{
    /// <summary>The answer pipeline and what it talks to: creator and retrieval services, Postgres, the Redis cache.</summary>
    public static IHostApplicationBuilder AddChatPipeline(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<ChatServiceOptions>(builder.Configuration.GetSection(ChatServiceOptions.Section));

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

        builder.Services.AddSingleton<ChatMetrics>();
        builder.Services.AddSingleton<CreatorDirectory>();
        builder.Services.AddSingleton<RetrievalClient>();
        builder.Services.AddSingleton<KnowledgeVersions>();
        builder.Services.AddSingleton<AnswerCache>();
        builder.Services.AddSingleton<ActiveStreams>();
        builder.Services.AddSingleton<WriteBatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WriteBatcher>());
        builder.Services.AddSingleton<DatabaseBreaker>();
        builder.Services.AddSingleton<ConversationStore>();
        builder.Services.AddSingleton<ChatPipeline>();
        builder.Services.AddHostedService<KnowledgeChangeListener>();
        builder.Services.AddHostedService<ActiveStreamsReporter>();
        return builder;
    }
}
