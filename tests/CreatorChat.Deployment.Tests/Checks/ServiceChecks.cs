using k8s.Models;

namespace CreatorChat.Deployment.Tests.Checks;

/// <summary>Services: http://&lt;name&gt; reaches each service's container port, and only the gateway is exposed.</summary>
internal static class ServiceChecks
{
    /// <summary>Every Service selects exactly one workload, on ports its containers have.</summary>
    public static IEnumerable<string> Services(Manifests manifests)
    {
        foreach (var service in manifests.OfType<V1Service>())
        {
            var selected = manifests.Workloads.Where(w => LabelSelectors.SelectsMap(service.Spec?.Selector, w.PodLabels)).ToList();
            if (selected.Count != 1)
            {
                yield return $"{Manifests.Describe(service)}: selects {selected.Count} workloads ({string.Join(", ", selected)}); expected exactly one";
                continue;
            }

            foreach (var port in (service.Spec.Ports ?? []).Where(p => selected[0].ResolvePort(TargetOf(p)) is null))
            {
                yield return $"{Manifests.Describe(service)}: targetPort {TargetOf(port).Value} is not a port of {selected[0]}'s containers";
            }
        }
    }

    /// <summary>Ingresses route only to the gateway's Service.</summary>
    public static IEnumerable<string> Ingresses(Manifests manifests)
    {
        foreach (var ingress in manifests.OfType<V1Ingress>())
        {
            var backends = (ingress.Spec?.Rules ?? [])
                .SelectMany(r => r.Http?.Paths ?? [])
                .Select(p => p.Backend)
                .Append(ingress.Spec?.DefaultBackend)
                .OfType<V1IngressBackend>();
            foreach (var backend in backends.Where(b => b.Service?.Name != manifests.NameOf("gateway")))
            {
                yield return $"{Manifests.Describe(ingress)}: routes to {(backend.Service is null ? "a non-Service backend" : $"Service '{backend.Service.Name}'")}; only the gateway ({manifests.NameOf("gateway")}) may be exposed";
            }
        }
    }

    public static IEnumerable<string> Check(Manifests manifests, Workload deployment, ServiceContract contract)
    {
        var service = manifests.Find<V1Service>(manifests.NameOf(contract.Name));
        if (service is null)
        {
            yield return $"{deployment}: no Service named '{manifests.NameOf(contract.Name)}' (the AppHost's name)";
            yield break;
        }

        var name = Manifests.Describe(service);
        if (!LabelSelectors.SelectsMap(service.Spec?.Selector, deployment.PodLabels))
        {
            yield return $"{name}: its selector does not match {deployment}'s pods";
        }

        var port = service.Spec?.Ports?.FirstOrDefault(p => p.Port == Contract.ServicePort);
        if (port is null)
        {
            yield return $"{name}: no port {Contract.ServicePort} (http://{contract.Name} must work)";
        }
        else if (deployment.ResolvePort(TargetOf(port)) != Contract.ContainerPort)
        {
            yield return $"{name}: port {Contract.ServicePort} does not target container port {Contract.ContainerPort}";
        }

        if (contract.Name != "gateway" && service.Spec?.Type is { } type && type != "ClusterIP")
        {
            yield return $"{name}: type {type}; only the gateway may be exposed outside the cluster";
        }
    }

    /// <summary>Where a Service port lands: targetPort, or the port itself when unset (Kubernetes' default).</summary>
    private static IntOrString TargetOf(V1ServicePort port) => port.TargetPort ?? (IntOrString)port.Port;
}
