using CreatorChat.ServiceDefaults.Model;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;

namespace CreatorChat.Gateway.Infrastructure.ReverseProxy;

public static class ReverseProxyExtensions
{
    public const string ProbeCategory = "Yarp.ReverseProxy.Health.ActiveHealthCheckMonitor";

    /// <summary>
    /// YARP forwarding for <see cref="GatewayRoutes"/> (routes, clusters and health in
    /// <see cref="GatewayProxyConfig"/>, headers in <see cref="HeaderHygiene"/>), replicas from service
    /// discovery; plus plain HttpClients per service for the gateway's own calls (API docs, stats).
    /// </summary>
    public static IHostApplicationBuilder AddGatewayProxy(this IHostApplicationBuilder builder)
    {
        // TryAdd-based: harmless when ServiceDefaults registers service discovery too.
        builder.Services.AddServiceDiscovery();
        builder.Services.AddReverseProxy()
            .LoadFromMemory(GatewayProxyConfig.Routes(), GatewayProxyConfig.Clusters())
            .AddTransforms(HeaderHygiene.Apply)
            .AddServiceDiscoveryDestinationResolver();
        builder.Services.AddSingleton<IPassiveHealthCheckPolicy, UpstreamFailurePolicy>();
        builder.Services.AddSingleton<IForwarderHttpClientFactory, GatewayForwarderHttpClientFactory>();

        foreach (var service in ServiceNames.Backends)
        {
            builder.Services.AddHttpClient(service, client => client.BaseAddress = new Uri($"http://{service}"));
        }

        // YARP logs every failed forward as a warning with its stack, a client's broken body as much as a dead replica:
        // ForwardingFailures.Log writes one line instead, a warning only when the service failed.
        builder.Logging.AddFilter(ForwardingFailures.ForwarderCategory, LogLevel.Error);
        // It also logs every failed /alive probe as a warning with its stack (every 2 s per dead replica, and for every
        // replica while the platform shuts down); its health updater already logs once when a replica leaves or rejoins.
        builder.Logging.AddFilter(ProbeCategory, LogLevel.Error);
        builder.Services.AddSingleton<ProxyMetrics>();
        builder.Services.AddSingleton<WebSocketForwarder>();
        return builder;
    }
}

/// <summary>YARP's forwarding client, with a connect timeout short enough that a replica that cannot be reached fails fast.</summary>
public sealed class GatewayForwarderHttpClientFactory : ForwarderHttpClientFactory
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);

    protected override void ConfigureHandler(ForwarderHttpClientContext context, System.Net.Http.SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        handler.ConnectTimeout = ConnectTimeout;
    }
}
