using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace CreatorChat.Gateway.Infrastructure.ReverseProxy;

/// <summary>
/// Passive health: a replica that fails a forward itself (refused, reset, timed out, broke its
/// response) leaves the rotation at once, so a dead replica of two costs the requests in flight, not
/// a failure rate. What a client breaks (its body cut short, an invalid chunk, it went away) never
/// counts against the replica.
/// </summary>
public sealed class UpstreamFailurePolicy(IDestinationHealthUpdater health) : IPassiveHealthCheckPolicy
{
    public const string PolicyName = "UpstreamFailure";

    public string Name => PolicyName;

    public void RequestProxied(HttpContext context, ClusterState cluster, DestinationState destination)
    {
        if (context.Features.Get<IForwarderErrorFeature>() is { Error: var error } && IsUpstreamFailure(error))
        {
            var period = cluster.Model.Config.HealthCheck?.Passive?.ReactivationPeriod ?? GatewayProxyConfig.ReactivationPeriod;
            health.SetPassive(cluster, destination, DestinationHealth.Unhealthy, period);
        }
    }

    /// <summary>Failures of the service behind the gateway (the rest are the client's, or nobody's).</summary>
    public static bool IsUpstreamFailure(ForwarderError error) => error is
        ForwarderError.Request or ForwarderError.RequestTimedOut or ForwarderError.RequestBodyDestination or
        ForwarderError.ResponseHeaders or ForwarderError.ResponseBodyDestination or
        ForwarderError.UpgradeRequestDestination or ForwarderError.UpgradeResponseDestination or ForwarderError.NoAvailableDestinations;
}
