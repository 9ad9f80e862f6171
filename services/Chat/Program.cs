using CreatorChat.Chat.Apis;
using CreatorChat.Chat.Infrastructure;
using CreatorChat.Chat.Llm;
using CreatorChat.Chat.Model;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddPlatformAuthentication();
ChatDatabase.TuneConnectionString(builder.Configuration);
builder.AddNpgsqlDataSource(ChatDatabase.ConnectionName, migrationsAssembly: typeof(ChatDatabase).Assembly);
// The answer cache is an optimisation: without Redis chat still answers, so Redis only degrades health.
builder.AddRedisClient("cache", requiredForReadiness: false);
builder.AddChatPipeline();
builder.AddChatModel();
builder.Services.AddOpenApi();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = ChatLimits.MaxRequestBodyBytes);

var app = builder.Build();

// WebSockets before authentication: the access_token query parameter is only read on upgrade requests.
app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(20), KeepAliveTimeout = TimeSpan.FromSeconds(30) });
app.UseAuthentication();
app.UseAuthorization();

app.MapDefaultEndpoints();
app.MapOpenApi();
app.MapChatApi();
app.MapChatSocketApi();
app.MapConversationsApi();
app.MapMessagesApi();
app.MapOpenAiApi();
app.MapInsightsApi();
app.MapInternalStatsApi();

app.Run();

public partial class Program;
