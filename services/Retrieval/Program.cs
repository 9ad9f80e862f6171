using CreatorChat.Retrieval.Apis;
using CreatorChat.Retrieval.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddPlatformAuthentication();
builder.AddNpgsqlDataSource(RetrievalDatabase.ConnectionName, migrationsAssembly: typeof(RetrievalDatabase).Assembly);
builder.AddRedisClient("cache", requiredForReadiness: false);
builder.AddRetrieval();
builder.Services.AddOpenApi();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapOpenApi();
app.MapKnowledgeApi();
app.MapInternalKnowledgeApi();

app.Run();

public partial class Program;
