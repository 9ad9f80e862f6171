using k8s;
using k8s.Models;

namespace CreatorChat.Deployment.Tests.Checks;

/// <summary>
/// Structural checks of a render against the topology, on KubernetesClient's typed objects. Each
/// returns every problem it finds (not only the first), phrased so that the failing test says what to fix.
/// </summary>
internal static class TopologyChecks
{
    public static IReadOnlyList<string> Run(IReadOnlyList<IKubernetesObject<V1ObjectMeta>> objects, Expectations expect)
    {
        var manifests = new Manifests(objects, expect);
        var problems = new List<string>();
        foreach (var service in Contract.Services)
        {
            problems.AddRange(CheckService(manifests, service));
        }

        problems.AddRange(manifests.Deployments
            .Where(d => !Contract.IsAppService(d.Component))
            .Select(d => $"{d}: a Deployment that is not one of the four services (component label '{d.Component}')"));
        problems.AddRange(ScalingChecks.Autoscalers(manifests));
        problems.AddRange(AvailabilityChecks.DisruptionBudgets(manifests));
        problems.AddRange(ServiceChecks.Services(manifests));
        problems.AddRange(ServiceChecks.Ingresses(manifests));
        problems.AddRange(EnvironmentChecks.ConfigMaps(manifests));
        problems.AddRange(BackingServiceChecks.Check(manifests));
        return problems;
    }

    private static IEnumerable<string> CheckService(Manifests manifests, ServiceContract contract)
    {
        var name = manifests.NameOf(contract.Name);
        var deployment = manifests.Deployment(name);
        if (deployment is null)
        {
            yield return $"no Deployment named '{name}' for the {contract.Name} service (names must match the AppHost's resource names{(manifests.Expect.NamePrefix.Length > 0 ? " with the prefix" : "")})";
            yield break;
        }

        if (!LabelSelectors.Selects(deployment.Selector, deployment.PodLabels))
        {
            yield return $"{deployment}: spec.selector does not match the pod template's labels";
        }

        if (deployment.Component != contract.Name)
        {
            yield return $"{deployment}: pod label {Workload.ComponentLabel}={deployment.Component}, expected {contract.Name}";
        }

        if (deployment.Containers.Count != 1)
        {
            yield return $"{deployment}: {deployment.Containers.Count} containers, expected exactly one";
            yield break;
        }

        var container = deployment.Containers[0];
        IEnumerable<string>[] checks =
        [
            ContainerChecks.Check(deployment, contract, container),
            SecurityChecks.Check(manifests, deployment, container),
            AvailabilityChecks.Check(manifests, deployment, container),
            EnvironmentChecks.Check(manifests, deployment, contract, container),
            ServiceChecks.Check(manifests, deployment, contract),
            ScalingChecks.Check(manifests, deployment),
            NetworkPolicyChecks.Check(manifests, deployment, contract),
        ];
        foreach (var problem in checks.SelectMany(c => c))
        {
            yield return problem;
        }
    }
}
