using k8s.Models;

namespace CreatorChat.Deployment.Tests.Checks;

/// <summary>
/// NetworkPolicies admit exactly the callers the topology names (only the gateway from outside)
/// and, when egress is restricted, let a service reach exactly its callees and DNS.
/// </summary>
internal static class NetworkPolicyChecks
{
    public static IEnumerable<string> Check(Manifests manifests, Workload deployment, ServiceContract contract)
    {
        var ingress = Ingress(manifests, deployment);
        if (ingress is null)
        {
            yield return $"{deployment}: no NetworkPolicy restricts who reaches it";
            yield break;
        }

        var (admitted, fromOutside) = ingress.Value;
        if (contract.Name == "gateway")
        {
            if (admitted.Count > 0)
            {
                yield return $"{deployment}: admits {string.Join(", ", admitted)}, but nobody inside calls the gateway";
            }
        }
        else
        {
            if (fromOutside)
            {
                yield return $"{deployment}: reachable from outside the release (a rule without 'from', or an ipBlock/namespaceSelector peer); only the gateway may be";
            }

            var expected = contract.Callers.ToHashSet(StringComparer.Ordinal);
            if (!admitted.SetEquals(expected))
            {
                yield return $"{deployment}: admits [{string.Join(", ", admitted.Order())}], the topology says only [{string.Join(", ", expected.Order())}]";
            }
        }

        // Egress (when restricted): the callees are reachable on the container port, other services are not.
        var appPods = AppPods(manifests);
        var policies = Selecting(manifests, deployment);
        var egressPolicies = policies.Where(p => p.Spec.PolicyTypes?.Contains("Egress") == true).ToList();
        if (egressPolicies.Count == 0)
        {
            yield break;
        }

        var rules = egressPolicies.SelectMany(p => p.Spec.Egress ?? []).ToList();

        foreach (var (service, callee) in appPods.Where(a => a.Key != contract.Name))
        {
            var reachable = rules.Any(r => (r.To ?? []).Any(peer => peer.PodSelector is not null && peer.NamespaceSelector is null && LabelSelectors.Selects(peer.PodSelector, callee.PodLabels))
                                          && AllowsPort(r, Contract.ContainerPort, callee));
            if (contract.Calls.Contains(service) && !reachable)
            {
                yield return $"{deployment}: its egress policy does not let it reach {service} on port {Contract.ContainerPort}";
            }
            else if (!contract.Calls.Contains(service) && reachable)
            {
                yield return $"{deployment}: its egress policy lets it reach {service}, which the topology does not call";
            }
        }

        if (!rules.Any(r => AllowsPort(r, 53, destination: null)))
        {
            yield return $"{deployment}: egress is restricted but DNS (port 53) is not allowed";
        }
    }

    /// <summary>
    /// Who may connect to the workload's pods: the app services its ingress rules admit (policies add
    /// up, so the union of their rules), and whether any rule admits sources outside the release (a rule
    /// without <c>from</c>, an ipBlock or namespaceSelector peer). Null when no policy restricts ingress.
    /// </summary>
    public static (HashSet<string> Admitted, bool FromOutside)? Ingress(Manifests manifests, Workload target)
    {
        var ingressPolicies = Selecting(manifests, target).Where(p => p.Spec.PolicyTypes?.Contains("Ingress") == true || p.Spec.Ingress is not null).ToList();
        if (ingressPolicies.Count == 0)
        {
            return null;
        }

        var appPods = AppPods(manifests);
        var admitted = new HashSet<string>(StringComparer.Ordinal);
        var fromOutside = false;
        foreach (var rule in ingressPolicies.SelectMany(p => p.Spec.Ingress ?? []))
        {
            if (rule.FromProperty is not { Count: > 0 } peers)
            {
                fromOutside = true; // no "from": every source
                continue;
            }

            foreach (var peer in peers)
            {
                if (peer.IpBlock is not null || peer.NamespaceSelector is not null)
                {
                    fromOutside = true;
                    continue;
                }

                admitted.UnionWith(appPods.Where(a => LabelSelectors.Selects(peer.PodSelector, a.Value.PodLabels)).Select(a => a.Key));
            }
        }

        return (admitted, fromOutside);
    }

    private static List<V1NetworkPolicy> Selecting(Manifests manifests, Workload target) =>
        manifests.OfType<V1NetworkPolicy>().Where(p => LabelSelectors.Selects(p.Spec?.PodSelector, target.PodLabels)).ToList();

    /// <summary>The four services' Deployments in this render, by service name.</summary>
    private static Dictionary<string, Workload> AppPods(Manifests manifests) =>
        Contract.Services
            .Select(s => (s.Name, Workload: manifests.Deployment(manifests.NameOf(s.Name))))
            .Where(x => x.Workload is not null)
            .ToDictionary(x => x.Name, x => x.Workload!);

    /// <summary>A rule's ports let <paramref name="port"/> through: no ports (all), a port with no number (all), the number, a range holding it, or a name the destination's container gives that port.</summary>
    private static bool AllowsPort(V1NetworkPolicyEgressRule rule, int port, Workload? destination) =>
        rule.Ports is not { Count: > 0 } ports || ports.Any(p =>
            p.Port is null
            || (int.TryParse(p.Port.Value, System.Globalization.CultureInfo.InvariantCulture, out var number)
                ? number == port || (p.EndPort is { } end && number <= port && port <= end)
                : destination?.ResolvePort(p.Port) == port));
}
