using System.Globalization;
using k8s.Models;

namespace CreatorChat.Deployment.Tests.Checks;

/// <summary>
/// Every variable the contract says a service reads is set, secrets come only from Secrets,
/// discovery variables name real Services, and a changed ConfigMap or Secret rolls the pods (Helm).
/// </summary>
internal static class EnvironmentChecks
{
    /// <summary>No ConfigMap holds something that looks like a secret.</summary>
    public static IEnumerable<string> ConfigMaps(Manifests manifests) =>
        from configMap in manifests.OfType<V1ConfigMap>()
        from entry in configMap.Data ?? new Dictionary<string, string>()
        where Contract.SecretLooking.IsMatch(entry.Key) || entry.Value.Contains("password=", StringComparison.OrdinalIgnoreCase)
        select $"{Manifests.Describe(configMap)}: '{entry.Key}' looks like a secret; secrets belong in a Secret, never in a ConfigMap";

    public static IEnumerable<string> Check(Manifests manifests, Workload deployment, ServiceContract contract, V1Container container)
    {
        var problems = new List<string>();
        var env = Resolve(manifests, deployment, container, problems);
        problems.AddRange(Contents(manifests, deployment, contract, container, env));
        problems.AddRange(Checksums(manifests, deployment, container));
        return problems;
    }

    /// <summary>A variable's value when the render knows it (null for a Secret's), and where it comes from.</summary>
    private sealed record Variable(string? Value, string Source)
    {
        public bool FromSecret => Source.StartsWith("Secret", StringComparison.Ordinal);
    }

    /// <summary>Every variable the container gets, as Kubernetes builds them: envFrom in order, then env.</summary>
    private static Dictionary<string, Variable> Resolve(Manifests manifests, Workload deployment, V1Container container, List<string> problems)
    {
        var env = new Dictionary<string, Variable>(StringComparer.Ordinal);
        foreach (var from in container.EnvFrom ?? [])
        {
            var prefix = from.Prefix ?? "";
            if (from.ConfigMapRef?.Name is { } configMapName)
            {
                if (manifests.Find<V1ConfigMap>(configMapName) is not { } configMap)
                {
                    problems.Add($"{deployment}: envFrom ConfigMap '{configMapName}' is not in the render");
                    continue;
                }

                foreach (var (key, value) in configMap.Data ?? new Dictionary<string, string>())
                {
                    env[prefix + key] = new Variable(value, $"ConfigMap {configMapName}");
                }
            }

            if (from.SecretRef?.Name is { } secretName)
            {
                if (manifests.Find<V1Secret>(secretName) is not { } secret)
                {
                    problems.Add($"{deployment}: envFrom Secret '{secretName}' is not in the render; name each key with secretKeyRef instead");
                    continue;
                }

                foreach (var key in SecretKeys(secret))
                {
                    env[prefix + key] = new Variable(null, $"Secret {secretName}");
                }
            }
        }

        foreach (var variable in container.Env ?? [])
        {
            if (variable.ValueFrom?.SecretKeyRef is { } keyRef)
            {
                var secret = manifests.Find<V1Secret>(keyRef.Name);
                if (secret is not null && !SecretKeys(secret).Contains(keyRef.Key))
                {
                    if (keyRef.Optional != true)
                    {
                        problems.Add($"{deployment}: env {variable.Name} refers to key '{keyRef.Key}' that Secret {keyRef.Name} does not hold");
                    }

                    continue; // optional and absent: legal, the variable is simply not set
                }

                if (secret is null && keyRef.Name != manifests.Expect.ExternalSecret)
                {
                    problems.Add($"{deployment}: env {variable.Name} refers to Secret '{keyRef.Name}', which is neither rendered nor the expected external Secret '{manifests.Expect.ExternalSecret}'");
                    continue;
                }

                env[variable.Name] = new Variable(null, $"Secret {keyRef.Name}");
            }
            else if (variable.ValueFrom is not null)
            {
                env[variable.Name] = new Variable(null, "valueFrom");
            }
            else
            {
                env[variable.Name] = new Variable(variable.Value, "env");
            }
        }

        return env;
    }

    private static IEnumerable<string> SecretKeys(V1Secret secret) =>
        (secret.Data?.Keys ?? []).Concat(secret.StringData?.Keys ?? []);

    private static IEnumerable<string> Contents(Manifests manifests, Workload deployment, ServiceContract contract, V1Container container, Dictionary<string, Variable> env)
    {
        var expected = manifests.Expect.FullyConfigured ? contract.RequiredEnv.Concat(contract.OptionalEnv) : contract.RequiredEnv;
        foreach (var name in expected.Where(n => !env.ContainsKey(n)))
        {
            yield return $"{deployment}: the service reads {name}, which is not set{(contract.OptionalEnv.Contains(name) ? " (this render configures every optional dependency)" : "")}";
        }

        foreach (var (name, variable) in env.Where(e => Contract.SecretLooking.IsMatch(e.Key) && !e.Value.FromSecret))
        {
            yield return $"{deployment}: {name} comes from {variable.Source}; secrets must come from a Secret";
        }

        if (env.GetValueOrDefault("OTEL_SERVICE_NAME")?.Value is { } otel && otel != contract.Name)
        {
            yield return $"{deployment}: OTEL_SERVICE_NAME is '{otel}', expected '{contract.Name}' (the AppHost's name)";
        }

        if (env.GetValueOrDefault("ASPNETCORE_HTTP_PORTS")?.Value is { } ports && ports != Contract.ContainerPort.ToString(CultureInfo.InvariantCulture))
        {
            yield return $"{deployment}: ASPNETCORE_HTTP_PORTS is '{ports}', expected {Contract.ContainerPort}";
        }

        // Service discovery: services__<callee>__http__0 when set must name the callee's Service;
        // when absent, http://<callee> must resolve, so the Service must be named exactly <callee> on port 80.
        foreach (var callee in contract.Calls)
        {
            var key = $"services__{callee}__http__0";
            if (env.GetValueOrDefault(key)?.Value is { } url)
            {
                var uri = new Uri(url);
                var service = manifests.Find<V1Service>(uri.Host);
                var selected = service is null ? null : manifests.Workloads.FirstOrDefault(w => LabelSelectors.SelectsMap(service.Spec?.Selector, w.PodLabels));
                if (service is null || selected?.Component != callee)
                {
                    yield return $"{deployment}: {key}={url} does not name the {callee} Service of this render";
                }
                else if (!(service.Spec.Ports ?? []).Any(p => p.Port == uri.Port))
                {
                    yield return $"{deployment}: {key}={url}: Service {service.Metadata.Name} has no port {uri.Port}";
                }
            }
            else if (manifests.Find<V1Service>(callee) is not { } service || !(service.Spec?.Ports ?? []).Any(p => p.Port == Contract.ServicePort))
            {
                yield return $"{deployment}: calls {callee} without services__{callee}__http__0, so a Service named exactly '{callee}' on port {Contract.ServicePort} must exist";
            }
        }

        if (env.GetValueOrDefault("DOTNET_SHUTDOWNTIMEOUTSECONDS")?.Value is { } shutdown)
        {
            var grace = deployment.Pod.TerminationGracePeriodSeconds ?? AvailabilityChecks.DefaultGraceSeconds;
            var preStop = container.Lifecycle?.PreStop?.Sleep?.Seconds ?? 0;
            if (!int.TryParse(shutdown, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                yield return $"{deployment}: DOTNET_SHUTDOWNTIMEOUTSECONDS '{shutdown}' is not a whole number of seconds";
            }
            else if (seconds + preStop >= grace)
            {
                yield return $"{deployment}: DOTNET_SHUTDOWNTIMEOUTSECONDS {shutdown} + preStop {preStop} s does not fit in terminationGracePeriodSeconds {grace}";
            }
        }
    }

    private static IEnumerable<string> Checksums(Manifests manifests, Workload deployment, V1Container container)
    {
        if (!manifests.Expect.ExpectChecksums)
        {
            yield break;
        }

        if (!deployment.PodAnnotations.ContainsKey("checksum/config"))
        {
            yield return $"{deployment}: no checksum/config pod annotation: a changed ConfigMap would not roll the pods";
        }

        var usesRenderedSecret = (container.Env ?? []).Any(e => e.ValueFrom?.SecretKeyRef is { } r && manifests.Find<V1Secret>(r.Name) is not null);
        if (usesRenderedSecret && !deployment.PodAnnotations.ContainsKey("checksum/secret"))
        {
            yield return $"{deployment}: no checksum/secret pod annotation: a changed Secret would not roll the pods";
        }
    }
}
