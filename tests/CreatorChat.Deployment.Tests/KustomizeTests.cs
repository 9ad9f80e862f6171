using System.Text.Json.Nodes;
using CreatorChat.Deployment.Tests.Checks;
using CreatorChat.Deployment.Tests.Infrastructure;

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
        output.WriteLine($"{render.Origin}: {render.Manifests.Count} objects in {render.Elapsed.TotalMilliseconds:0} ms; {validation.Summary}");

        Assert.True(validation.Passed, $"k8s-validate failed for {render.Origin}:\n{string.Join("\n", validation.Failures)}\n{validation.Output}");
        // The schema folder has no Namespace schema; the overlay's Namespace is the only object skipped.
        Assert.Equal(render.Manifests.Count(m => m.Kind == "Namespace"), validation.Skipped.Count);
        Assert.All(validation.Skipped, s => Assert.StartsWith("skip Namespace/", s, StringComparison.Ordinal));
    }

    [RequiresToolsTheory(Tool.Kubectl)]
    [MemberData(nameof(OverlayNames))]
    public void Topology_is_complete_and_production_grade(string overlay)
    {
        var o = Renders.Overlay(overlay);
        var render = Renders.Kustomize(o);

        var problems = ManifestChecks.Run(render.Manifests, new Expectations("", o.FullyConfigured, o.ExternalSecret, ExpectChecksums: false, o.InClusterDependencies));

        Assert.True(problems.Count == 0, $"{render.Origin}:\n - " + string.Join("\n - ", problems));
    }

    [RequiresToolsTheory(Tool.Kubectl)]
    [MemberData(nameof(OverlayNames))]
    public void Generated_config_rolls_the_pods(string overlay)
    {
        var render = Renders.Kustomize(Renders.Overlay(overlay));

        // configMapGenerator names carry a content hash, and the Deployments refer to the hashed name.
        foreach (var deployment in render.Manifests.Where(m => m.Kind == "Deployment"))
        {
            var configMap = deployment.Spec["template"]!["spec"]!["containers"]![0]!["envFrom"]![0]!["configMapRef"]!["name"]!.GetValue<string>();
            Assert.Matches($"^{deployment.Name}-config-[a-z0-9]{{10}}$", configMap);
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
        var chart = Renders.Helm(Renders.Scenario("production-existing-secret")).Manifests;
        var plain = Renders.Kustomize(Renders.Overlay("production")).Manifests;

        static IEnumerable<string> AppObjects(IEnumerable<Manifest> manifests) => manifests
            .Where(m => m.Kind is not "ConfigMap" and not "Namespace" and not "Pod")
            .Select(m => $"{m.Kind}/{m.Name}").Order(StringComparer.Ordinal);

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

    private static Dictionary<string, JsonNode?> Shape(IReadOnlyList<Manifest> manifests, string service)
    {
        var deployment = manifests.Single(m => m.Kind == "Deployment" && m.Name == service);
        var pod = deployment.Spec["template"]!["spec"]!;
        var container = pod["containers"]![0]!;
        var configMap = manifests.Single(m => m.Kind == "ConfigMap" && m.Name == container["envFrom"]![0]!["configMapRef"]!["name"]!.GetValue<string>());
        var hpa = manifests.Single(m => m.Kind == "HorizontalPodAutoscaler" && m.Name == service).Spec.DeepClone();
        var pdb = manifests.Single(m => m.Kind == "PodDisruptionBudget" && m.Name == service).Spec.DeepClone();
        var policy = manifests.Single(m => m.Kind == "NetworkPolicy" && m.Name == service).Spec.DeepClone();
        // The chart also admits its own `helm test` pod to the gateway; k8s/ has no such pod.
        foreach (var rule in policy["ingress"]?.AsArray() ?? [])
        {
            var from = rule?["from"]?.AsArray();
            foreach (var peer in from?.Where(p => p?["podSelector"]?["matchLabels"]?["app.kubernetes.io/component"]?.GetValue<string>() == "test").ToList() ?? [])
            {
                from!.Remove(peer);
            }
        }

        var env = new JsonArray([.. container["env"]!.AsArray().Select(e => JsonValue.Create(e!["name"]!.GetValue<string>()))]);
        return new Dictionary<string, JsonNode?>
        {
            ["config"] = configMap.Body["data"]!.DeepClone(),
            ["env"] = env,
            ["probes"] = new JsonArray(container["startupProbe"]!.DeepClone(), container["livenessProbe"]!.DeepClone(), container["readinessProbe"]!.DeepClone()),
            ["lifecycle"] = container["lifecycle"]?.DeepClone(),
            ["securityContext"] = new JsonArray(pod["securityContext"]!.DeepClone(), container["securityContext"]!.DeepClone()),
            ["terminationGracePeriodSeconds"] = pod["terminationGracePeriodSeconds"]!.DeepClone(),
            ["topologySpreadConstraints"] = pod["topologySpreadConstraints"]!.DeepClone(),
            ["affinity"] = pod["affinity"]!.DeepClone(),
            ["hpa"] = hpa,
            ["pdb"] = pdb,
            ["networkPolicy"] = policy,
        };
    }
}
