using CreatorChat.Creator.Apis;
using CreatorChat.Creator.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapOpenApi();
app.MapCreatorsApi();
app.MapInternalCreatorsApi();

app.Run();

public partial class Program;
