using CreatorChat.Chat.Apis;
using CreatorChat.Chat.Extensions;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();
var app = builder.Build();
app.UseChatMiddleware();
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
