using System.Net;

namespace CreatorChat.Gateway.Infrastructure.ReverseProxy;

public static class ReverseProxyExtensions
{
    public static IHostApplicationBuilder AddReverseProxy(this IHostApplicationBuilder builder)
    {
        foreach (var service in GatewayRoutes.All.Select(r => r.Service).Distinct())
        {
            builder.Services.AddHttpClient(service, client =>
                {
                    client.BaseAddress = new Uri($"http://{service}");
                    client.Timeout = Timeout.InfiniteTimeSpan; // the resilience pipeline owns timeouts; streams may be long
                })
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    UseCookies = false,
                    UseProxy = false,
                    AutomaticDecompression = DecompressionMethods.None,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                    ConnectTimeout = TimeSpan.FromSeconds(5),
                });
        }

        builder.Services.AddSingleton<ProxyMetrics>();
        builder.Services.AddSingleton<HttpForwarder>();
        return builder;
    }
}
