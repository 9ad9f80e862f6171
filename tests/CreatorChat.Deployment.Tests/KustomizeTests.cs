using System.Text.Json.Nodes;
using CreatorChat.Deployment.Tests.Checks;
using CreatorChat.Deployment.Tests.Infrastructure;
using k8s;
using k8s.Models;

namespace CreatorChat.Deployment.Tests;

/// <summary>k8s/ (kustomize base + overlays) rendered offline, validated and checked like the chart.</summary>
public sealed class KustomizeTests(ITestOutputHelper output)
{
    public static TheoryData<string> OverlayNames => [.. Renders.Overlays.Select(o => o.Name)];

    [RequiresToolsTheory(Tool.Kubectl, Tool.K8sValidate)]
    [MemberData(nameof(OverlayNames))]
    public void Overlay_renders_and_is_valid_against_the_Kubernetes_1_32_schemas(string overlay)
    {
        var render = Renders.Kustomize(Renders.Overlay(overlay));
        var validation = Renders.Validate(render);
        output.WriteLine($"{render.Origin}: {render.Objects.Count} objects in {render.Elapsed.TotalMilliseconds:0} ms; {validation.Summary}");

        Assert.True(validation.Passed, $"k8s-validate failed for {render.Origin}:\n{string.Join("\n", validation.Failures)}\n{validation.Output}");
        // The schema folder has no Namespace schema; the overlay's Namespace is the only object skipped.
        Assert.Equal(render.OfType<V1Namespace>().Count(), validation.Skipped.Count);
        Assert.All(validation.Skipped, s => Assert.StartsWith("skip Namespace/", s, StringComparison.Ordinal));
    }

    [RequiresToolsTheory(Tool.Kubectl)]
    [MemberData(nameof(OverlayNames))]
    public void Topology_is_complete_and_production_grade(string overlay)
    {
        var o = Renders.Overlay(overlay);
        var render = Renders.Kustomize(o);

        var problems = TopologyChecks.Run(render.Objects, new Expectations("", o.FullyConfigured, o.ExternalSecret, ExpectChecksums: false, o.InClusterDependencies));

        Assert.True(problems.Count == 0, $"{render.Origin}:\n - " + string.Join("\n - ", problems));
    }

    [RequiresToolsTheory(Tool.Kubectl)]
    [MemberData(nameof(OverlayNames))]
    public void Generated_config_rolls_the_pods(string overlay)
    {
        var render = Renders.Kustomize(Renders.Overlay(overlay));

        // configMapGenerator names carry a content hash, and the Deployments refer to the hashed name.
        foreach (var deployment in render.OfType<V1Deployment>())
        {
            var configMap = deployment.Spec.Template.Spec.Containers[0].EnvFrom[0].ConfigMapRef.Name;
            Assert.Matches($"^{deployment.Metadata.Name}-config-[a-z0-9]{{10}}$", configMap);
            Assert.Contains(render.OfType<V1ConfigMap>(), c => c.Metadata.Name == configMap);
        }
    }

    /// <summary>
    /// The plain manifests and the chart describe the same deployment: same objects per service,
    /// same variables, probes, security, scaling and budgets (values differ only where the
    /// production values file and overlay choose differently on purpose).
    /// </summary>
    [RequiresToolsFact(Tool.Kubectl, Tool.HelmRenderer)]
    public void Production_overlay_matches_the_chart_with_production_values()
    {
        var chart = Renders.Helm(Renders.Scenario("production-existing-secret"));
        var plain = Renders.Kustomize(Renders.Overlay("production"));

        static IEnumerable<string> AppObjects(Render render) => render.Objects
            .OfType<IKubernetesObject<V1ObjectMeta>>()
            .Where(o => o is not V1ConfigMap and not V1Namespace and not V1Pod)
            .Select(o => $"{o.Kind}/{o.Metadata.Name}").Order(StringComparer.Ordinal);

        Assert.Equal(AppObjects(chart), AppObjects(plain));
        foreach (var service in Contract.Services)
        {
            var a = Shape(chart, service.Name);
            var b = Shape(plain, service.Name);
            foreach (var (aspect, value) in a)
            {
                Assert.True(JsonNode.DeepEquals(value, b[aspect]), $"{service.Name} {aspect} differs:\n chart: {value?.ToJsonString()}\n k8s/:  {b[aspect]?.ToJsonString()}");
            }
        }
    }

    private static Dictionary<string, JsonNode?> Shape(Render render, string service)
    {
        var deployment = render.Single<V1Deployment>(service);
        var pod = deployment.Spec.Template.Spec;
        var container = pod.Containers[0];
        var configMap = render.Single<V1ConfigMap>(container.EnvFrom[0].ConfigMapRef.Name);
        var policy = KubernetesJson.Deserialize<V1NetworkPolicySpec>(KubernetesJson.Serialize(render.Single<V1NetworkPolicy>(service).Spec)); // a copy: renders are shared
        // The chart also admits its own `helm test` pod to the gateway; k8s/ has no such pod.
        foreach (var rule in policy.Ingress ?? [])
        {
            rule.FromProperty = rule.FromProperty?
                .Where(peer => !(peer.PodSelector?.MatchLabels is { } labels && labels.TryGetValue("app.kubernetes.io/component", out var component) && component == "test")).ToList();
        }

        return new Dictionary<string, object?>
        {
            ["config"] = configMap.Data,
            ["env"] = container.Env.Select(e => e.Name).ToList(),
            ["probes"] = new[] { container.StartupProbe, container.LivenessProbe, container.ReadinessProbe },
            ["lifecycle"] = container.Lifecycle,
            ["securityContext"] = new object[] { pod.SecurityContext, container.SecurityContext },
            ["terminationGracePeriodSeconds"] = pod.TerminationGracePeriodSeconds,
            ["topologySpreadConstraints"] = pod.TopologySpreadConstraints,
            ["affinity"] = pod.Affinity,
            ["hpa"] = render.Single<V2HorizontalPodAutoscaler>(service).Spec,
            ["pdb"] = render.Single<V1PodDisruptionBudget>(service).Spec,
            ["networkPolicy"] = policy,
        }.ToDictionary(p => p.Key, p => JsonNode.Parse(KubernetesJson.Serialize(p.Value))); // key order is not part of the shape
    }
}
