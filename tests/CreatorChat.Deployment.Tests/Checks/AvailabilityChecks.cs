using k8s.Models;

namespace CreatorChat.Deployment.Tests.Checks;

/// <summary>A service stays up through rollouts, node drains and zone failures: graceful shutdown, spread, disruption budget.</summary>
internal static class AvailabilityChecks
{
    /// <summary>Kubernetes' default terminationGracePeriodSeconds.</summary>
    public const int DefaultGraceSeconds = 30;

    public static IEnumerable<string> Check(Manifests manifests, Workload deployment, V1Container container) =>
        Shutdown(deployment, container).Concat(Placement(deployment)).Concat(DisruptionBudget(manifests, deployment));

    /// <summary>Every PodDisruptionBudget protects some workload's pods.</summary>
    public static IEnumerable<string> DisruptionBudgets(Manifests manifests) =>
        manifests.OfType<V1PodDisruptionBudget>()
            .Where(pdb => !manifests.Workloads.Any(w => LabelSelectors.Selects(pdb.Spec?.Selector, w.PodLabels)))
            .Select(pdb => $"{Manifests.Describe(pdb)}: its selector matches no workload's pods");

    private static IEnumerable<string> Shutdown(Workload deployment, V1Container container)
    {
        var grace = deployment.Pod.TerminationGracePeriodSeconds ?? DefaultGraceSeconds;
        if (grace < 45)
        {
            yield return $"{deployment}: terminationGracePeriodSeconds {grace} is too short to drain streams (>= 45 expected)";
        }

        var preStop = container.Lifecycle?.PreStop;
        if (preStop is null)
        {
            yield return $"{deployment}: no preStop pause (endpoints need time to drop the pod before it stops accepting)";
        }
        else if (preStop.Sleep is { } sleep && sleep.Seconds >= grace)
        {
            yield return $"{deployment}: preStop sleep {sleep.Seconds} s leaves no time to drain within {grace} s";
        }
    }

    private static IEnumerable<string> Placement(Workload deployment)
    {
        var spread = deployment.Pod.TopologySpreadConstraints ?? [];
        foreach (var key in new[] { "topology.kubernetes.io/zone", "kubernetes.io/hostname" })
        {
            var constraint = spread.FirstOrDefault(c => c.TopologyKey == key);
            if (constraint is null)
            {
                yield return $"{deployment}: no topologySpreadConstraint over {key}";
            }
            else if (!LabelSelectors.Selects(constraint.LabelSelector, deployment.PodLabels))
            {
                yield return $"{deployment}: the topologySpreadConstraint over {key} does not select the Deployment's own pods";
            }
        }

        var antiAffinity = deployment.Pod.Affinity?.PodAntiAffinity?.PreferredDuringSchedulingIgnoredDuringExecution ?? [];
        if (!antiAffinity.Any(t => LabelSelectors.Selects(t.PodAffinityTerm?.LabelSelector, deployment.PodLabels)))
        {
            yield return $"{deployment}: no preferred pod anti-affinity against its own pods";
        }
    }

    private static IEnumerable<string> DisruptionBudget(Manifests manifests, Workload deployment)
    {
        var pdbs = manifests.OfType<V1PodDisruptionBudget>().Where(p => LabelSelectors.Selects(p.Spec?.Selector, deployment.PodLabels)).ToList();
        if (pdbs.Count != 1)
        {
            yield return $"{deployment}: {pdbs.Count} PodDisruptionBudgets select its pods, expected one";
        }
        else if (pdbs[0].Spec.MaxUnavailable is null && pdbs[0].Spec.MinAvailable is null)
        {
            yield return $"{Manifests.Describe(pdbs[0])}: neither maxUnavailable nor minAvailable";
        }
    }
}
