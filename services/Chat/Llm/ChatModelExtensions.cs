using CreatorChat.Chat.Infrastructure;
using Microsoft.Extensions.AI;

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
    /// built-in offline model otherwise — either wrapped in telemetry and logging middleware.
    /// </summary>
    public static IHostApplicationBuilder AddChatModel(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<ChatModelOptions>(builder.Configuration.GetSection(ChatModelOptions.Section));
        builder.Services.Configure<OfflineModelOptions>(builder.Configuration.GetSection(OfflineModelOptions.Section));

        var connectionString = builder.Configuration.GetConnectionString(LlmConnectionName);
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            var connection = LlmConnection.Parse(connectionString);
            builder.Services.AddHttpClient(LlmHttpClient, client => client.Timeout = Timeout.InfiniteTimeSpan)
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
            builder.Services.AddSingleton<IChatClient>(sp => Wrap(sp, new OpenAICompatibleChatClient(
                connection,
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(LlmHttpClient),
                sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ChatModelOptions>>().Value.IdleTimeout)));
        }
        else
        {
            builder.Services.AddSingleton<OfflineChatClient>();
            builder.Services.AddSingleton<IChatClient>(sp => Wrap(sp, sp.GetRequiredService<OfflineChatClient>()));
        }

        return builder;
    }

    private static IChatClient Wrap(IServiceProvider services, IChatClient model)
    {
        var time = services.GetRequiredService<TimeProvider>();
        var logged = new LoggingChatClient(model, services.GetRequiredService<ILogger<LoggingChatClient>>(), time);
        return new TelemetryChatClient(logged, services.GetRequiredService<ChatMetrics>(), time);
    }
}
