using CreatorChat.Gateway.Apis;
using CreatorChat.Gateway.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();

app.UseApplicationMiddleware();
app.MapDefaultEndpoints();
app.MapApiDocumentation();
app.MapAuthApi();
app.MapAdminApi();
app.MapProxyApi();

app.Run();

public partial class Program;
