using CreatorChat.Creator.Apis;
using CreatorChat.Creator.Infrastructure;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddPlatformAuthentication();
builder.AddNpgsqlDataSource("creatordb", migrationsAssembly: typeof(CreatorRepository).Assembly);
builder.Services.AddSingleton<CreatorRepository>();
builder.Services.AddOpenApi();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapOpenApi();
app.MapCreatorsApi();
app.MapInternalCreatorsApi();

app.Run();

public partial class Program;
