using System.Globalization;
using k8s;
using k8s.Models;

namespace CreatorChat.Deployment.Tests.Checks;

/// <summary>The typed objects of one render, looked up by kind and name, with what the checks expect of it.</summary>
internal sealed class Manifests(IReadOnlyList<IKubernetesObject<V1ObjectMeta>> objects, Expectations expect)
{
    public Expectations Expect => expect;

    public IEnumerable<T> OfType<T>() => objects.OfType<T>();

    /// <summary>The object of that kind and name, or null (two of them is a broken render: it throws).</summary>
    public T? Find<T>(string? name) where T : class, IKubernetesObject<V1ObjectMeta> =>
        name is null ? null : objects.OfType<T>().SingleOrDefault(o => o.Metadata.Name == name);

    /// <summary>The resource name of an AppHost component in this render.</summary>
    public string NameOf(string component) => expect.NamePrefix + component;

    public IEnumerable<Workload> Deployments => OfType<V1Deployment>().Select(d => new Workload(d, d.Spec.Selector, d.Spec.Template));

    public IEnumerable<Workload> StatefulSets => OfType<V1StatefulSet>().Select(s => new Workload(s, s.Spec.Selector, s.Spec.Template));

    public IEnumerable<Workload> Workloads => Deployments.Concat(StatefulSets);

    public Workload? Deployment(string name) => Deployments.SingleOrDefault(d => d.Name == name);

    public Workload? StatefulSet(string name) => StatefulSets.SingleOrDefault(s => s.Name == name);

    public static string Describe(IKubernetesObject<V1ObjectMeta> o) => $"{o.Kind}/{o.Metadata.Name}";
}

/// <summary>A Deployment or StatefulSet: its selector and the pods it runs.</summary>
internal sealed record Workload(IKubernetesObject<V1ObjectMeta> Object, V1LabelSelector? Selector, V1PodTemplateSpec Template)
{
    public const string ComponentLabel = "app.kubernetes.io/component";

    public string Name => Object.Metadata.Name;

    public IDictionary<string, string> PodLabels => Template.Metadata?.Labels ?? new Dictionary<string, string>();

    public IDictionary<string, string> PodAnnotations => Template.Metadata?.Annotations ?? new Dictionary<string, string>();

    public string Component => PodLabels.TryGetValue(ComponentLabel, out var component) ? component : "";

    public V1PodSpec Pod => Template.Spec;

    public IList<V1Container> Containers => Pod?.Containers ?? [];

    /// <summary>The container port a Service or probe port (a number or a port name) lands on, or null.</summary>
    public int? ResolvePort(IntOrString? port) => Containers.Select(c => PortOf(c, port)).FirstOrDefault(p => p is not null);

    public static int? PortOf(V1Container container, IntOrString? port)
    {
        if (port?.Value is not { } value)
        {
            return null;
        }

        var ports = container.Ports ?? [];
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return ports.Any(p => p.ContainerPort == number) ? number : null;
        }

        return ports.FirstOrDefault(p => p.Name == value)?.ContainerPort;
    }

    public override string ToString() => Manifests.Describe(Object);
}
