using System.Text;
using CreatorChat.Deployment.Tests.Checks;
using CreatorChat.Deployment.Tests.Infrastructure;
using k8s;
using k8s.Models;

namespace CreatorChat.Deployment.Tests;

/// <summary>helm/creatorchat rendered in every supported way, validated and checked structurally.</summary>
public sealed class HelmChartTests(ITestOutputHelper output)
{
    public static TheoryData<string> Scenarios => [.. Renders.HelmScenarios.Select(s => s.Name)];

    [RequiresToolsTheory(Tool.HelmRenderer)]
    [MemberData(nameof(Scenarios))]
    public void Renders_every_scenario(string scenario)
    {
        var render = Renders.Helm(Renders.Scenario(scenario));

        output.WriteLine($"{render.Origin}: {render.Objects.Count} objects in {render.Elapsed.TotalMilliseconds:0} ms");
        foreach (var group in render.Objects.GroupBy(o => o.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {group.Key,-24} {string.Join(", ", group.Select(o => o.Metadata.Name))}");
        }

        Assert.NotEmpty(render.Objects);
        Assert.All(render.Objects, o => Assert.Equal(Renders.Scenario(scenario).Namespace, o.Metadata.NamespaceProperty));
    }

    [RequiresToolsTheory(Tool.HelmRenderer, Tool.K8sValidate)]
    [MemberData(nameof(Scenarios))]
    public void Every_document_is_valid_against_the_Kubernetes_1_32_schemas(string scenario)
    {
        var render = Renders.Helm(Renders.Scenario(scenario));
        var validation = Renders.Validate(render);
        output.WriteLine(validation.Summary);

        Assert.True(validation.Passed, $"k8s-validate failed for {render.Origin}:\n{string.Join("\n", validation.Failures)}\n{validation.Output}");
        // The schema folder has no Pod schema; the only Pod is the `helm test` hook.
        var skippedPods = render.OfType<V1Pod>().ToList();
        Assert.All(skippedPods, p => Assert.Equal("test", p.Metadata.Annotations is { } a && a.TryGetValue("helm.sh/hook", out var hook) ? hook : null));
        Assert.Equal(skippedPods.Count, validation.Skipped.Count);
    }

    [RequiresToolsTheory(Tool.HelmRenderer)]
    [MemberData(nameof(Scenarios))]
    public void Topology_is_complete_and_production_grade(string scenario)
    {
        var s = Renders.Scenario(scenario);
        var render = Renders.Helm(s);

        var problems = TopologyChecks.Run(render.Objects, new Expectations(s.NamePrefix, s.FullyConfigured, s.ExternalSecret, ExpectChecksums: true, s.InClusterDependencies));

        Assert.True(problems.Count == 0, $"{render.Origin}:\n - " + string.Join("\n - ", problems));
    }

    [RequiresToolsFact(Tool.HelmRenderer)]
    public void Lists_the_resource_kinds_emitted_per_service()
    {
        var production = Renders.Helm(Renders.Scenario("production")).Objects;
        var inCluster = Renders.Helm(Renders.Scenario("in-cluster")).Objects;
        static string? Component(IKubernetesObject<V1ObjectMeta> o) => o.Metadata.Labels is { } labels && labels.TryGetValue(Workload.ComponentLabel, out var component) ? component : null;
        var table = new StringBuilder();
        foreach (var component in new[] { "gateway", "creator", "chat", "retrieval", "postgres", "cache", "qdrant", "test" })
        {
            var kinds = production.Concat(inCluster)
                .Where(o => Component(o) == component)
                .Select(o => o.Kind).Distinct().Order(StringComparer.Ordinal);
            table.AppendLine($"{component,-10} {string.Join(", ", kinds)}");
        }

        output.WriteLine(table.ToString());
        string[] perService = ["ConfigMap", "Deployment", "HorizontalPodAutoscaler", "NetworkPolicy", "PodDisruptionBudget", "Secret", "Service", "ServiceAccount"];
        foreach (var service in Contract.Services)
        {
            var kinds = production.Where(o => Component(o) == service.Name).Select(o => o.Kind).ToHashSet();
            Assert.Superset(perService.ToHashSet(), kinds);
            Assert.Equal(service.Name == "gateway", kinds.Contains("Ingress"));
        }
    }

    [RequiresToolsFact(Tool.HelmRenderer)]
    public void Connection_strings_are_built_and_quoted_for_their_clients()
    {
        var secrets = SecretValues(Renders.Helm(Renders.Scenario("production")));

        // ';' and '"' in the password: quoted, inner quotes doubled (ADO.NET connection string rules).
        Assert.Equal(
            "Host=creatorchat.postgres.database.example.com;Port=5432;Username=creatorchat;Password=\"pg;pass\"\"word\";Database=chatdb;SSL Mode=VerifyFull;Maximum Pool Size=50;Timeout=15;Command Timeout=30",
            secrets["chat-secrets"]["ConnectionStrings__chatdb"]);
        Assert.Equal("creatorchat.redis.example.com:6379,password=redis-password,ssl=true,abortConnect=false,connectTimeout=5000,syncTimeout=5000", secrets["gateway-secrets"]["ConnectionStrings__cache"]);
        Assert.Equal("Endpoint=https://api.openai.com/v1;Key=sk-test-llm;Model=gpt-4o-mini", secrets["chat-secrets"]["ConnectionStrings__llm"]);
        Assert.Equal("Endpoint=https://creatorchat.qdrant.example.com:6333;Key=qdrant-api-key", secrets["retrieval-secrets"]["ConnectionStrings__qdrant_http"]);
        Assert.Equal("Endpoint=https://api.openai.com/v1;Key=sk-test-embeddings;Model=text-embedding-3-small", secrets["retrieval-secrets"]["ConnectionStrings__embeddings"]);
        // Each service's Secret holds only what that service reads.
        Assert.Equal(["Admin__Password", "ConnectionStrings__cache", "ConnectionStrings__identitydb", "Jwt__SigningKey"], secrets["gateway-secrets"].Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["ConnectionStrings__creatordb", "Jwt__SigningKey"], secrets["creator-secrets"].Keys.Order(StringComparer.Ordinal));
        // Every service validates platform tokens: all four get the one jwt.signingKey.
        Assert.All(Contract.Services, s => Assert.Equal(Renders.SigningKey, secrets[$"{s.Name}-secrets"]["Jwt__SigningKey"]));
    }

    [RequiresToolsFact(Tool.HelmRenderer)]
    public void In_cluster_dependencies_and_the_services_share_one_generated_password()
    {
        var secrets = SecretValues(Renders.Helm(Renders.Scenario("in-cluster")));

        var postgres = secrets["postgres"]["password"];
        var redis = secrets["cache"]["password"];
        var qdrant = secrets["qdrant"]["api-key"];
        Assert.True(postgres.Length >= 32 && redis.Length >= 32 && qdrant.Length >= 32, "generated secrets are long random strings");
        Assert.Equal($"Host=postgres;Port=5432;Username=postgres;Password={postgres};Database=retrievaldb", secrets["retrieval-secrets"]["ConnectionStrings__retrievaldb"]);
        Assert.Equal($"cache:6379,password={redis},abortConnect=false", secrets["chat-secrets"]["ConnectionStrings__cache"]);
        Assert.Equal($"Endpoint=http://qdrant:6333;Key={qdrant}", secrets["retrieval-secrets"]["ConnectionStrings__qdrant_http"]);
    }

    [RequiresToolsFact(Tool.HelmRenderer)]
    public void With_an_existing_secret_the_chart_creates_none_and_marks_optional_keys()
    {
        var render = Renders.Helm(Renders.Scenario("production-existing-secret"));

        Assert.Empty(render.OfType<V1Secret>());
        var refs = render.OfType<V1Deployment>()
            .SelectMany(d => d.Spec.Template.Spec.Containers[0].Env)
            .Select(e => e.ValueFrom?.SecretKeyRef)
            .OfType<V1SecretKeySelector>()
            .ToList();
        Assert.All(refs, r => Assert.Equal("creatorchat-secrets", r.Name));
        var optional = refs.Where(r => r.Optional == true).Select(r => r.Key).ToHashSet();
        Assert.Equal(["Admin__Password", "ConnectionStrings__embeddings", "ConnectionStrings__llm", "ConnectionStrings__qdrant_http"], optional.Order(StringComparer.Ordinal));

        // Every service reads Jwt__SigningKey from the Secret, and none may start without it.
        foreach (var service in Contract.Services)
        {
            var env = render.Single<V1Deployment>(service.Name).Spec.Template.Spec.Containers[0].Env;
            var key = env.Select(e => e.ValueFrom?.SecretKeyRef).OfType<V1SecretKeySelector>().SingleOrDefault(r => r.Key == "Jwt__SigningKey");
            Assert.True(key is not null, $"{service.Name} does not read Jwt__SigningKey from the existing Secret");
            Assert.NotEqual(true, key.Optional);
        }
    }

    [RequiresToolsTheory(Tool.HelmRenderer)]
    [MemberData(nameof(Scenarios))]
    public void Every_service_scales_its_own_deployment_on_cpu_and_memory(string scenario)
    {
        var render = Renders.Helm(Renders.Scenario(scenario));
        var prefix = Renders.Scenario(scenario).NamePrefix;

        foreach (var service in Contract.Services)
        {
            var deployment = render.Single<V1Deployment>(prefix + service.Name);
            var hpa = render.Single<V2HorizontalPodAutoscaler>(prefix + service.Name);
            Assert.Equal(("apps/v1", "Deployment", deployment.Metadata.Name), (hpa.Spec.ScaleTargetRef.ApiVersion, hpa.Spec.ScaleTargetRef.Kind, hpa.Spec.ScaleTargetRef.Name));
            Assert.Null(deployment.Spec.Replicas); // the HPA owns the replica count
            Assert.InRange(hpa.Spec.MinReplicas ?? 1, 2, hpa.Spec.MaxReplicas);
            var targets = hpa.Spec.Metrics.Where(m => m.Type == "Resource").ToDictionary(m => m.Resource.Name, m => m.Resource.Target.AverageUtilization);
            Assert.Equal(70, targets["cpu"]);
            Assert.Equal(80, targets["memory"]);
            Assert.Equal(0, deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value is "0" ? 0 : int.Parse(deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [RequiresToolsFact(Tool.HelmRenderer)]
    public void A_changed_setting_rolls_only_the_pods_that_read_it()
    {
        var scenario = Renders.Scenario("minimal-external");
        var before = Renders.Helm(scenario).Objects;
        var result = Renders.RunHelm(scenario.Release, Repo.Chart, scenario.Namespace,
            [.. scenario.Arguments, "--set", "gateway.cors.allowedOrigins[0]=https://fans.example.com", "--set-string", "llm.endpoint=https://llm.example.com/v1"]);
        Assert.True(result.Succeeded, result.StandardError);
        var after = Render.Load("helm-template [changed settings]", result.StandardOutput);

        string Checksum(IEnumerable<object> objects, string deployment, string which) =>
            objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == deployment).Spec.Template.Metadata.Annotations[which];

        Assert.NotEqual(Checksum(before, "gateway", "checksum/config"), Checksum(after, "gateway", "checksum/config"));
        Assert.NotEqual(Checksum(before, "chat", "checksum/secret"), Checksum(after, "chat", "checksum/secret"));
        Assert.Equal(Checksum(before, "creator", "checksum/config"), Checksum(after, "creator", "checksum/config"));
        Assert.Equal(Checksum(before, "creator", "checksum/secret"), Checksum(after, "creator", "checksum/secret"));
        Assert.Equal(Checksum(before, "chat", "checksum/config"), Checksum(after, "chat", "checksum/config"));
    }

    [Fact]
    public void Chart_metadata_and_notes_are_complete()
    {
        var chart = Yaml.ParseFile(Path.Combine(Repo.Chart, "Chart.yaml"))!.AsObject();
        Assert.Equal("v2", chart["apiVersion"]!.GetValue<string>());
        Assert.Equal("creatorchat", chart["name"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(chart["appVersion"]?.ToString()), "appVersion is the default image tag");

        var notes = File.ReadAllText(Path.Combine(Repo.Chart, "templates", "NOTES.txt"));
        Assert.Contains("port-forward service/", notes, StringComparison.Ordinal);
        Assert.Contains(".Values.ingress.hosts", notes, StringComparison.Ordinal);
        Assert.Contains("helm test", notes, StringComparison.Ordinal);
    }

    /// <summary>Secret name -> key -> decoded value.</summary>
    private static Dictionary<string, Dictionary<string, string>> SecretValues(Render render) =>
        render.OfType<V1Secret>().ToDictionary(
            s => s.Metadata.Name,
            s => (s.Data ?? new Dictionary<string, byte[]>()).ToDictionary(p => p.Key, p => Encoding.UTF8.GetString(p.Value)));
}
