using k8s.Models;

namespace CreatorChat.Deployment.Tests.Checks;

/// <summary>In-cluster Postgres, Redis and Qdrant: a StatefulSet and Service each under the AppHost's names, durable and fenced; none when they are external.</summary>
internal static class BackingServiceChecks
{
    /// <summary>The services that connect to a backing resource (its connection string is in their contract).</summary>
    private static IReadOnlyList<string> Users(string component) =>
        Contract.Services.Where(s => component switch
        {
            "postgres" => s.ConnectionNames.Contains(s.Database),
            "qdrant" => s.ConnectionNames.Contains("qdrant_http"),
            _ => s.ConnectionNames.Contains(component),
        }).Select(s => s.Name).Order(StringComparer.Ordinal).ToList();

    public static IEnumerable<string> Check(Manifests manifests)
    {
        var statefulSets = manifests.StatefulSets.ToList();
        if (!manifests.Expect.InClusterDependencies)
        {
            if (statefulSets.Count > 0)
            {
                yield return $"in-cluster dependencies are off, yet the render has StatefulSets: {string.Join(", ", statefulSets)}";
            }

            yield break;
        }

        foreach (var (component, ports) in Contract.BackingServices)
        {
            var name = manifests.NameOf(component);
            var set = manifests.StatefulSet(name);
            var service = manifests.Find<V1Service>(name);
            if (set is null || service is null)
            {
                yield return $"no StatefulSet and Service named '{name}' (the AppHost's {component} resource)";
                continue;
            }

            foreach (var port in ports.Where(p => !(service.Spec?.Ports ?? []).Any(x => x.Port == p)))
            {
                yield return $"{Manifests.Describe(service)}: no port {port} (the AppHost's {component} port)";
            }

            var container = set.Containers.FirstOrDefault();
            foreach (var (probe, _) in new[] { ("startupProbe", container?.StartupProbe), ("livenessProbe", container?.LivenessProbe), ("readinessProbe", container?.ReadinessProbe) }.Where(p => p.Item2 is null))
            {
                yield return $"{set}: no {probe}";
            }

            if (container?.Resources?.Limits?.ContainsKey("memory") != true || container.Resources.Requests is not { Count: > 0 })
            {
                yield return $"{set}: resources are not set";
            }

            if (((V1StatefulSet)set.Object).Spec.VolumeClaimTemplates is not { Count: > 0 })
            {
                yield return $"{set}: no persistent volume (volumeClaimTemplates)";
            }

            if (set.Pod?.SecurityContext?.RunAsNonRoot != true)
            {
                yield return $"{set}: runAsNonRoot is not true";
            }

            var users = Users(component);
            switch (NetworkPolicyChecks.Ingress(manifests, set))
            {
                case null:
                    yield return $"{set}: no NetworkPolicy admits only the services that use it";
                    break;
                case { FromOutside: true }:
                    yield return $"{set}: reachable from outside the release (a rule without 'from', or an ipBlock/namespaceSelector peer); only [{string.Join(", ", users)}] may connect";
                    break;
                case { Admitted: var admitted } when !admitted.SetEquals(users):
                    yield return $"{set}: admits [{string.Join(", ", admitted.Order())}], but only [{string.Join(", ", users)}] use it";
                    break;
            }
        }
    }
}
