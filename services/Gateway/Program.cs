using CreatorChat.Gateway.Apis;
using CreatorChat.Gateway.Infrastructure.Edge;
using CreatorChat.Gateway.Infrastructure.Identity;
using CreatorChat.Gateway.Infrastructure.ReverseProxy;
using CreatorChat.Gateway.Infrastructure.WebApp;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddIdentityAndLimits();
builder.AddEdgeProtection();
builder.AddGatewayProxy();
builder.AddApiDocumentation();

var app = builder.Build();

app.UseEdgeProtection();
app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = WebSocketForwarder.KeepAliveInterval });
// After UseWebSockets: a WebSocket upgrade's access_token query parameter is only read once the upgrade is recognised.
app.UseAuthentication();
app.UseAuthorization();
app.UseWebApp();

app.MapDefaultEndpoints();
app.MapApiDocumentation();
app.MapAuthApi();
app.MapAdminApi();
app.MapProxyApi();

app.Run();

public partial class Program;
