using System.Collections.Concurrent;
using k8s;
using k8s.Models;

namespace CreatorChat.Deployment.Tests.Infrastructure;

/// <summary>
/// A rendered set of manifests and how it was made. <paramref name="Objects"/>: every document as
/// KubernetesClient's typed model (<see cref="V1Deployment"/>, <see cref="V2HorizontalPodAutoscaler"/>, …).
/// </summary>
internal sealed record Render(string Origin, string Yaml, IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Objects, TimeSpan Elapsed)
{
    /// <summary>
    /// Loads every document strictly: a field the Kubernetes model does not have (a misspelt or
    /// misplaced key) fails the render instead of being dropped unseen, as do a key given twice
    /// (the typed loader would keep the last one) and a kind that is no Kubernetes object.
    /// </summary>
    public static IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Load(string origin, string yaml)
    {
        try
        {
            _ = Infrastructure.Yaml.ParseDocuments(yaml); // throws on a duplicate key
            return KubernetesYaml.LoadAllFromString(yaml, strict: true)
                .Select(o => o as IKubernetesObject<V1ObjectMeta> ?? throw new InvalidDataException($"{o.GetType().Name} is not a Kubernetes object with metadata"))
                .ToList();
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or InvalidDataException)
        {
            throw new InvalidDataException($"{origin} is not valid Kubernetes YAML: {e.Message}", e);
        }
    }

    public IEnumerable<T> OfType<T>() where T : IKubernetesObject<V1ObjectMeta> => Objects.OfType<T>();

    public T Single<T>(string name) where T : IKubernetesObject<V1ObjectMeta> => OfType<T>().Single(o => o.Metadata.Name == name);
}

/// <summary>
/// A way to install the chart. <paramref name="FullyConfigured"/>: every optional dependency
/// (LLM, embeddings, Qdrant, OTLP, admin, CORS) is configured, so every variable of the contract must be set.
/// </summary>
internal sealed record HelmScenario(
    string Name,
    string Release,
    string Namespace,
    IReadOnlyList<string> Arguments,
    bool FullyConfigured = false,
    string? ExternalSecret = null,
    string NamePrefix = "",
    bool InClusterDependencies = false)
{
    public override string ToString() => Name;
}

internal sealed record KustomizeOverlay(string Name, bool FullyConfigured, string? ExternalSecret, bool InClusterDependencies)
{
    public string Path => System.IO.Path.Combine(Repo.K8s, "overlays", Name);

    public override string ToString() => Name;
}

internal sealed record ValidationResult(bool Passed, IReadOnlyList<string> Failures, IReadOnlyList<string> Skipped, string Summary, string Output);

/// <summary>Renders once per test run (cached), shared by every test class.</summary>
internal static class Renders
{
    public const string SigningKey = "test-signing-key-0123456789abcdef0123456789abcdef";

    public static readonly IReadOnlyList<HelmScenario> HelmScenarios =
    [
        // values.yaml plus only what a user must set: the least that installs.
        new("minimal-external", "creatorchat", "creatorchat", ["-f", Repo.TestValues("minimal-external.yaml")]),
        // Evaluation cluster: in-cluster Postgres, Redis and Qdrant.
        new("in-cluster", "creatorchat", "creatorchat-eval",
            ["--set", "postgresql.enabled=true", "--set", "redis.enabled=true", "--set", "qdrant.enabled=true", "--set-string", $"jwt.signingKey={SigningKey}"],
            InClusterDependencies: true),
        // The production values file with its secrets passed as values.
        new("production", "creatorchat", "creatorchat",
            ["-f", Path.Combine(Repo.Chart, "values-production.yaml"), "-f", Repo.TestValues("production-secrets.yaml")],
            FullyConfigured: true),
        // The production values file with every secret in a pre-created Secret.
        new("production-existing-secret", "creatorchat", "creatorchat",
            ["-f", Path.Combine(Repo.Chart, "values-production.yaml"), "--set", "secrets.existingSecret=creatorchat-secrets"],
            FullyConfigured: true, ExternalSecret: "creatorchat-secrets"),
        // Two releases in one namespace: every name prefixed with the release name.
        new("prefixed", "blue", "shared",
            ["-f", Repo.TestValues("prefixed.yaml"), "--set-string", $"jwt.signingKey={SigningKey}"],
            NamePrefix: "blue-", InClusterDependencies: true),
    ];

    public static readonly IReadOnlyList<KustomizeOverlay> Overlays =
    [
        new("dev", FullyConfigured: false, ExternalSecret: null, InClusterDependencies: true),
        new("production", FullyConfigured: true, ExternalSecret: "creatorchat-secrets", InClusterDependencies: false),
    ];

    private static readonly ConcurrentDictionary<string, Lazy<Render>> Cache = new();
    private static readonly ConcurrentDictionary<string, Lazy<ValidationResult>> Validations = new();

    public static HelmScenario Scenario(string name) => HelmScenarios.Single(s => s.Name == name);

    public static KustomizeOverlay Overlay(string name) => Overlays.Single(o => o.Name == name);

    public static Render Helm(HelmScenario scenario) =>
        Cache.GetOrAdd("helm:" + scenario.Name, _ => new Lazy<Render>(() =>
        {
            var result = RunHelm(scenario.Release, Repo.Chart, scenario.Namespace, scenario.Arguments);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException($"rendering scenario {scenario.Name} failed: " + result.Describe(Tools.HelmRendererName));
            }

            var origin = $"{Tools.HelmRendererName} [{scenario.Name}]";
            return new Render(origin, result.StandardOutput, Render.Load(origin, result.StandardOutput), result.Elapsed);
        })).Value;

    public static Render Kustomize(KustomizeOverlay overlay) =>
        Cache.GetOrAdd("kustomize:" + overlay.Name, _ => new Lazy<Render>(() =>
        {
            var kubectl = Tools.Kubectl ?? throw new InvalidOperationException(Tools.MissingReason(Tool.Kubectl));
            var result = ProcessRunner.Run(kubectl, ["kustomize", overlay.Path]);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException(result.Describe($"kubectl kustomize {overlay.Path}"));
            }

            var origin = $"kubectl kustomize k8s/overlays/{overlay.Name}";
            return new Render(origin, result.StandardOutput, Render.Load(origin, result.StandardOutput), result.Elapsed);
        })).Value;

    /// <summary>`helm template` (or helm-template) with the given arguments; never throws on a failed render.</summary>
    public static ProcessResult RunHelm(string release, string chart, string ns, IEnumerable<string> arguments)
    {
        var helm = Tools.HelmRenderer ?? throw new InvalidOperationException(Tools.MissingReason(Tool.HelmRenderer));
        List<string> args = Tools.RealHelm is not null ? ["template", release, chart, "--namespace", ns] : [release, chart, "--namespace", ns];
        args.AddRange(arguments);
        return ProcessRunner.Run(helm, args);
    }

    /// <summary>Validates a render against the Kubernetes 1.32 schemas (cached per render).</summary>
    public static ValidationResult Validate(Render render) =>
        Validations.GetOrAdd(render.Origin, _ => new Lazy<ValidationResult>(() =>
        {
            var validator = Tools.K8sValidate ?? throw new InvalidOperationException(Tools.MissingReason(Tool.K8sValidate));
            var result = ProcessRunner.Run(validator, [], standardInput: render.Yaml);
            var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return new ValidationResult(
                result.Succeeded,
                lines.Where(l => l.StartsWith("FAIL", StringComparison.Ordinal)).ToList(),
                lines.Where(l => l.StartsWith("skip", StringComparison.Ordinal)).ToList(),
                lines.LastOrDefault() ?? string.Empty,
                result.StandardOutput + result.StandardError);
        })).Value;
}
