using CreatorChat.Retrieval.Apis;
using CreatorChat.Retrieval.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapOpenApi();
app.MapKnowledgeApi();
app.MapInternalKnowledgeApi();

app.Run();

public partial class Program;
