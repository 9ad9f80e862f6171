using CreatorChat.Chat.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNpgsqlDataSource(ChatDatabase.ConnectionName, migrationsAssembly: typeof(ChatDatabase).Assembly);
// The answer cache is an optimisation: without Redis chat still answers, so Redis only degrades health.
builder.AddRedisClient("cache", requiredForReadiness: false);
builder.Services.AddOpenApi();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapOpenApi();

app.Run();

public partial class Program;
