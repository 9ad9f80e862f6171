using k8s.Models;

namespace CreatorChat.Deployment.Tests.Checks;

/// <summary>A service's container: its image, probes and resources.</summary>
internal static class ContainerChecks
{
    public static IEnumerable<string> Check(Workload deployment, ServiceContract contract, V1Container container) =>
        Image(deployment, contract, container).Concat(Probes(deployment, container)).Concat(Resources(deployment, container));

    private static IEnumerable<string> Image(Workload deployment, ServiceContract contract, V1Container container)
    {
        var image = container.Image ?? "";
        var lastSegment = image.Split('/')[^1];
        if (!image.Contains($"creatorchat/{contract.Name}", StringComparison.Ordinal))
        {
            yield return $"{deployment}: image '{image}' is not the creatorchat/{contract.Name} repository";
        }

        if (!lastSegment.Contains(':', StringComparison.Ordinal) && !image.Contains('@', StringComparison.Ordinal))
        {
            yield return $"{deployment}: image '{image}' has no tag";
        }

        if (lastSegment.EndsWith(":latest", StringComparison.Ordinal))
        {
            yield return $"{deployment}: image '{image}' uses :latest; pin a version";
        }
    }

    private static IEnumerable<string> Probes(Workload deployment, V1Container container)
    {
        foreach (var (name, probe, path) in new[] { ("startupProbe", container.StartupProbe, "/alive"), ("livenessProbe", container.LivenessProbe, "/alive"), ("readinessProbe", container.ReadinessProbe, "/health") })
        {
            if (probe?.HttpGet is not { } get)
            {
                yield return $"{deployment}: no {name} with httpGet";
                continue;
            }

            if (get.Path != path)
            {
                yield return $"{deployment}: {name} path is '{get.Path}', expected '{path}'";
            }

            if (Workload.PortOf(container, get.Port) != Contract.ContainerPort)
            {
                yield return $"{deployment}: {name} port {get.Port?.Value} is not the container's port {Contract.ContainerPort}";
            }
        }

        // Kubernetes' defaults: periodSeconds 10, failureThreshold 3.
        if (container.StartupProbe is { } startup && (startup.PeriodSeconds ?? 10) * (startup.FailureThreshold ?? 3) < 60)
        {
            yield return $"{deployment}: the startup probe gives less than 60 s for start-up migrations";
        }
    }

    private static IEnumerable<string> Resources(Workload deployment, V1Container container)
    {
        foreach (var (section, quantities) in new[] { ("requests", container.Resources?.Requests), ("limits", container.Resources?.Limits) })
        {
            foreach (var resource in new[] { "cpu", "memory" }.Where(r => quantities?.ContainsKey(r) != true))
            {
                yield return $"{deployment}: resources.{section}.{resource} is not set";
            }
        }
    }
}
