using CreatorChat.Retrieval.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNpgsqlDataSource(RetrievalDatabase.ConnectionName, migrationsAssembly: typeof(RetrievalDatabase).Assembly);
builder.Services.AddOpenApi();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapOpenApi();

app.Run();

public partial class Program;
