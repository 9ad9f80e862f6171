using System.Net;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace CreatorChat.Gateway.Infrastructure.ReverseProxy;

/// <summary>
/// <see cref="GatewayRoutes"/> as YARP routes and clusters: one cluster per service, its replicas found
/// by service discovery (<c>services__{name}__http__N</c>, else DNS), each replica's health watched
/// passively (the first upstream failure takes it out of rotation) and actively (<c>/alive</c> probes
/// bring it back once it answers).
/// </summary>
public static class GatewayProxyConfig
{
    /// <summary>Route metadata: a POST matched by this route is a chat message (hourly limit and monthly quota).</summary>
    public const string ChatMessageKey = "CreatorChat.ChatMessage";

    /// <summary>A replica taken out by a failure stays out at least this long, and until a probe passes.</summary>
    public static readonly TimeSpan ReactivationPeriod = TimeSpan.FromSeconds(5);

    public static IReadOnlyList<RouteConfig> Routes() =>
        GatewayRoutes.All.Select((route, index) => new RouteConfig
        {
            RouteId = $"{route.Service}-{index}",
            ClusterId = route.Service,
            Match = new RouteMatch { Path = route.Pattern },
            Metadata = route.ChatMessage ? new Dictionary<string, string> { [ChatMessageKey] = "true" } : null,
        }).ToList();

    public static IReadOnlyList<ClusterConfig> Clusters() =>
        GatewayRoutes.All.Select(r => r.Service).Distinct().Select(service => new ClusterConfig
        {
            ClusterId = service,
            LoadBalancingPolicy = "PowerOfTwoChoices",
            Destinations = new Dictionary<string, DestinationConfig>
            {
                [service] = new() { Address = $"http://{service}" }, // resolved to every replica by service discovery
            },
            HttpRequest = new ForwarderRequestConfig
            {
                // Streams (SSE) stay open for minutes; only silence this long means the replica hangs.
                ActivityTimeout = TimeSpan.FromSeconds(30),
                Version = HttpVersion.Version11,
                VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
                AllowResponseBuffering = false,
            },
            HealthCheck = new HealthCheckConfig
            {
                AvailableDestinationsPolicy = "HealthyOrPanic", // all replicas down: still try them rather than answer nothing
                Passive = new PassiveHealthCheckConfig { Enabled = true, Policy = UpstreamFailurePolicy.PolicyName, ReactivationPeriod = ReactivationPeriod },
                Active = new ActiveHealthCheckConfig
                {
                    Enabled = true,
                    Interval = TimeSpan.FromSeconds(2),
                    Timeout = TimeSpan.FromSeconds(1),
                    Policy = "ConsecutiveFailures",
                    Path = Microsoft.Extensions.Hosting.Extensions.AlivePath,
                },
            },
            Metadata = new Dictionary<string, string> { ["ConsecutiveFailuresHealthPolicy.Threshold"] = "2" },
        }).ToList();
}
