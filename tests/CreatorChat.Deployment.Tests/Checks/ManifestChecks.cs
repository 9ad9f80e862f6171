using System.Globalization;
using System.Text.Json.Nodes;
using CreatorChat.Deployment.Tests.Infrastructure;

namespace CreatorChat.Deployment.Tests.Checks;

/// <summary>What a render is expected to be.</summary>
/// <param name="NamePrefix">Prefix of every resource name ("" keeps the AppHost names).</param>
/// <param name="FullyConfigured">Every optional dependency is configured: every variable of the contract must be set.</param>
/// <param name="ExternalSecret">A Secret that is referenced but not rendered (created outside the release).</param>
/// <param name="ExpectChecksums">Helm: pods carry checksum annotations of their ConfigMap/Secret.</param>
/// <param name="InClusterDependencies">Postgres, Redis and Qdrant run in the cluster.</param>
internal sealed record Expectations(
    string NamePrefix,
    bool FullyConfigured,
    string? ExternalSecret,
    bool ExpectChecksums,
    bool InClusterDependencies);

/// <summary>
/// Structural checks of a render against the topology. Each returns every problem it finds
/// (not only the first), phrased so that the failing test says what to fix.
/// </summary>
internal sealed class ManifestChecks
{
    private const string ComponentLabel = "app.kubernetes.io/component";

    private readonly IReadOnlyList<Manifest> _all;
    private readonly Expectations _expect;
    private readonly List<string> _problems = [];

    private ManifestChecks(IReadOnlyList<Manifest> manifests, Expectations expect)
    {
        _all = manifests;
        _expect = expect;
    }

    public static IReadOnlyList<string> Run(IReadOnlyList<Manifest> manifests, Expectations expect)
    {
        var checks = new ManifestChecks(manifests, expect);
        checks.CheckAll();
        return checks._problems;
    }

    private IEnumerable<Manifest> OfKind(string kind) => _all.Where(m => m.Kind == kind);

    private Manifest? Find(string kind, string name) => _all.SingleOrDefault(m => m.Kind == kind && m.Name == name);

    private void Problem(string message) => _problems.Add(message);

    private string NameOf(string component) => _expect.NamePrefix + component;

    private void CheckAll()
    {
        var workloads = OfKind("Deployment").Concat(OfKind("StatefulSet")).ToList();
        foreach (var service in Contract.Services)
        {
            CheckService(service);
        }

        foreach (var deployment in OfKind("Deployment"))
        {
            if (!Contract.IsAppService(Component(PodLabels(deployment))))
            {
                Problem($"{deployment}: a Deployment that is not one of the four services (component label '{Component(PodLabels(deployment))}')");
            }
        }

        foreach (var hpa in OfKind("HorizontalPodAutoscaler"))
        {
            var target = hpa.Spec["scaleTargetRef"];
            var kind = Str(target?["kind"]);
            var name = Str(target?["name"]);
            if (hpa.ApiVersion != "autoscaling/v2")
            {
                Problem($"{hpa}: apiVersion {hpa.ApiVersion}, expected autoscaling/v2");
            }

            if (kind != "Deployment" || Find("Deployment", name ?? "") is null || Str(target?["apiVersion"]) != "apps/v1")
            {
                Problem($"{hpa}: scaleTargetRef {target?.ToJsonString()} does not name an apps/v1 Deployment of this render");
            }
        }

        foreach (var pdb in OfKind("PodDisruptionBudget"))
        {
            if (!workloads.Any(w => Selects(pdb.Spec["selector"], PodLabels(w))))
            {
                Problem($"{pdb}: its selector matches no workload's pods");
            }
        }

        foreach (var svc in OfKind("Service"))
        {
            var selector = svc.Spec["selector"];
            var selected = workloads.Where(w => SelectsMap(selector, PodLabels(w))).ToList();
            if (selected.Count != 1)
            {
                Problem($"{svc}: selects {selected.Count} workloads ({string.Join(", ", selected)}); expected exactly one");
                continue;
            }

            foreach (var port in Array(svc.Spec["ports"]))
            {
                if (ResolveContainerPort(selected[0], port?["targetPort"] ?? port?["port"]) is null)
                {
                    Problem($"{svc}: targetPort {port?["targetPort"]?.ToJsonString()} is not a port of {selected[0]}'s containers");
                }
            }
        }

        foreach (var configMap in OfKind("ConfigMap"))
        {
            foreach (var (key, value) in Yaml.StringMap(configMap.Body["data"]))
            {
                if (Contract.SecretLooking.IsMatch(key) || value.Contains("Password=", StringComparison.OrdinalIgnoreCase) || value.Contains("password=", StringComparison.Ordinal))
                {
                    Problem($"{configMap}: '{key}' looks like a secret; secrets belong in a Secret, never in a ConfigMap");
                }
            }
        }

        foreach (var ingress in OfKind("Ingress"))
        {
            foreach (var backend in Descendants(ingress.Spec).OfType<JsonObject>().Where(o => o.ContainsKey("service") && o["service"] is JsonObject s && s.ContainsKey("port")))
            {
                var name = Str(backend["service"]?["name"]);
                if (name != NameOf("gateway"))
                {
                    Problem($"{ingress}: routes to Service '{name}'; only the gateway ({NameOf("gateway")}) may be exposed");
                }
            }
        }

        CheckBackingServices();
    }

    private void CheckService(ServiceContract contract)
    {
        var name = NameOf(contract.Name);
        var deployment = Find("Deployment", name);
        if (deployment is null)
        {
            Problem($"no Deployment named '{name}' for the {contract.Name} service (names must match the AppHost's resource names{(_expect.NamePrefix.Length > 0 ? " with the prefix" : "")})");
            return;
        }

        var podLabels = PodLabels(deployment);
        var podSpec = deployment.Spec["template"]?["spec"]?.AsObject() ?? [];
        var containers = Array(podSpec["containers"]).OfType<JsonObject>().ToList();
        if (!Selects(deployment.Spec["selector"], podLabels))
        {
            Problem($"{deployment}: spec.selector does not match the pod template's labels");
        }

        if (Component(podLabels) != contract.Name)
        {
            Problem($"{deployment}: pod label {ComponentLabel}={Component(podLabels)}, expected {contract.Name}");
        }

        if (containers.Count != 1)
        {
            Problem($"{deployment}: {containers.Count} containers, expected exactly one");
            return;
        }

        var container = containers[0];
        CheckImage(deployment, contract, container);
        CheckProbes(deployment, container);
        CheckResources(deployment, container);
        CheckSecurity(deployment, podSpec, container);
        CheckShutdown(deployment, podSpec, container);
        CheckPlacement(deployment, podSpec, podLabels);
        CheckServiceAccount(deployment, podSpec);
        var env = ResolveEnvironment(deployment, container);
        CheckEnvironment(deployment, contract, env);
        CheckChecksums(deployment, container);
        CheckKubernetesService(deployment, contract, podLabels);
        CheckAutoscaler(deployment);
        CheckDisruptionBudget(deployment, podLabels);
        CheckNetworkPolicies(deployment, contract, podLabels);
    }

    private void CheckImage(Manifest deployment, ServiceContract contract, JsonObject container)
    {
        var image = Str(container["image"]) ?? "";
        var lastSegment = image.Split('/')[^1];
        if (!image.Contains($"creatorchat/{contract.Name}", StringComparison.Ordinal))
        {
            Problem($"{deployment}: image '{image}' is not the creatorchat/{contract.Name} repository");
        }

        if (!lastSegment.Contains(':', StringComparison.Ordinal) && !image.Contains('@', StringComparison.Ordinal))
        {
            Problem($"{deployment}: image '{image}' has no tag");
        }

        if (lastSegment.EndsWith(":latest", StringComparison.Ordinal))
        {
            Problem($"{deployment}: image '{image}' uses :latest; pin a version");
        }
    }

    private void CheckProbes(Manifest deployment, JsonObject container)
    {
        foreach (var (probe, path) in new[] { ("startupProbe", "/alive"), ("livenessProbe", "/alive"), ("readinessProbe", "/health") })
        {
            var get = container[probe]?["httpGet"];
            if (get is null)
            {
                Problem($"{deployment}: no {probe} with httpGet");
                continue;
            }

            if (Str(get["path"]) != path)
            {
                Problem($"{deployment}: {probe} path is '{Str(get["path"])}', expected '{path}'");
            }

            if (ContainerPortOf(container, get["port"]) != Contract.ContainerPort)
            {
                Problem($"{deployment}: {probe} port {get["port"]?.ToJsonString()} is not the container's port {Contract.ContainerPort}");
            }
        }

        var startup = container["startupProbe"];
        if (startup is not null && Int(startup["periodSeconds"], 10) * Int(startup["failureThreshold"], 3) < 60)
        {
            Problem($"{deployment}: the startup probe gives less than 60 s for start-up migrations");
        }
    }

    private void CheckResources(Manifest deployment, JsonObject container)
    {
        foreach (var section in new[] { "requests", "limits" })
        {
            foreach (var resource in new[] { "cpu", "memory" })
            {
                if (container["resources"]?[section]?[resource] is null)
                {
                    Problem($"{deployment}: resources.{section}.{resource} is not set");
                }
            }
        }
    }

    private void CheckSecurity(Manifest deployment, JsonObject podSpec, JsonObject container)
    {
        var pod = podSpec["securityContext"];
        var own = container["securityContext"];
        if (Bool(own?["runAsNonRoot"]) != true && Bool(pod?["runAsNonRoot"]) != true)
        {
            Problem($"{deployment}: runAsNonRoot is not true");
        }

        if (Str(own?["seccompProfile"]?["type"]) != "RuntimeDefault" && Str(pod?["seccompProfile"]?["type"]) != "RuntimeDefault")
        {
            Problem($"{deployment}: seccompProfile is not RuntimeDefault");
        }

        if (Bool(own?["allowPrivilegeEscalation"]) != false)
        {
            Problem($"{deployment}: allowPrivilegeEscalation is not false");
        }

        if (Bool(own?["readOnlyRootFilesystem"]) != true)
        {
            Problem($"{deployment}: readOnlyRootFilesystem is not true");
        }

        if (Bool(own?["privileged"]) == true)
        {
            Problem($"{deployment}: privileged container");
        }

        if (!Array(own?["capabilities"]?["drop"]).Any(c => Str(c) == "ALL"))
        {
            Problem($"{deployment}: capabilities.drop does not contain ALL");
        }

        var tmp = Array(container["volumeMounts"]).FirstOrDefault(m => Str(m?["mountPath"]) == "/tmp");
        var volume = tmp is null ? null : Array(podSpec["volumes"]).FirstOrDefault(v => Str(v?["name"]) == Str(tmp["name"]));
        if (volume?["emptyDir"] is null)
        {
            Problem($"{deployment}: no writable /tmp (an emptyDir volume mounted at /tmp) for the read-only root filesystem");
        }
    }

    private void CheckShutdown(Manifest deployment, JsonObject podSpec, JsonObject container)
    {
        var grace = Int(podSpec["terminationGracePeriodSeconds"], 30);
        if (grace < 45)
        {
            Problem($"{deployment}: terminationGracePeriodSeconds {grace} is too short to drain streams (>= 45 expected)");
        }

        var preStop = container["lifecycle"]?["preStop"];
        if (preStop is null)
        {
            Problem($"{deployment}: no preStop pause (endpoints need time to drop the pod before it stops accepting)");
        }
        else if (preStop["sleep"] is { } sleep && Int(sleep["seconds"], 0) >= grace)
        {
            Problem($"{deployment}: preStop sleep {Int(sleep["seconds"], 0)} s leaves no time to drain within {grace} s");
        }
    }

    private void CheckPlacement(Manifest deployment, JsonObject podSpec, IReadOnlyDictionary<string, string> podLabels)
    {
        var spread = Array(podSpec["topologySpreadConstraints"]).OfType<JsonObject>().ToList();
        foreach (var key in new[] { "topology.kubernetes.io/zone", "kubernetes.io/hostname" })
        {
            var constraint = spread.FirstOrDefault(c => Str(c["topologyKey"]) == key);
            if (constraint is null)
            {
                Problem($"{deployment}: no topologySpreadConstraint over {key}");
            }
            else if (!Selects(constraint["labelSelector"], podLabels))
            {
                Problem($"{deployment}: the topologySpreadConstraint over {key} does not select the Deployment's own pods");
            }
        }

        var antiAffinity = Array(podSpec["affinity"]?["podAntiAffinity"]?["preferredDuringSchedulingIgnoredDuringExecution"]);
        if (!antiAffinity.Any(t => Selects(t?["podAffinityTerm"]?["labelSelector"], podLabels)))
        {
            Problem($"{deployment}: no preferred pod anti-affinity against its own pods");
        }
    }

    private void CheckServiceAccount(Manifest deployment, JsonObject podSpec)
    {
        if (Bool(podSpec["automountServiceAccountToken"]) != false)
        {
            Problem($"{deployment}: automountServiceAccountToken is not false on the pod");
        }

        var accountName = Str(podSpec["serviceAccountName"]);
        var account = accountName is null ? null : Find("ServiceAccount", accountName);
        if (account is null)
        {
            Problem($"{deployment}: serviceAccountName '{accountName}' is not a ServiceAccount of this render (one per service)");
        }
        else if (Bool(account.Body["automountServiceAccountToken"]) != false)
        {
            Problem($"{account}: automountServiceAccountToken is not false");
        }
    }

    /// <summary>Every variable the container gets: name -> (value if known, source).</summary>
    private Dictionary<string, (string? Value, string Source)> ResolveEnvironment(Manifest deployment, JsonObject container)
    {
        var env = new Dictionary<string, (string?, string)>(StringComparer.Ordinal);
        foreach (var from in Array(container["envFrom"]))
        {
            if (from?["configMapRef"]?["name"] is { } cmName)
            {
                var configMap = Find("ConfigMap", Str(cmName) ?? "");
                if (configMap is null)
                {
                    Problem($"{deployment}: envFrom ConfigMap '{Str(cmName)}' is not in the render");
                    continue;
                }

                foreach (var (key, value) in Yaml.StringMap(configMap.Body["data"]))
                {
                    env[key] = (value, $"ConfigMap {configMap.Name}");
                }
            }

            if (from?["secretRef"]?["name"] is { } secretName)
            {
                var secret = Find("Secret", Str(secretName) ?? "");
                if (secret is null)
                {
                    Problem($"{deployment}: envFrom Secret '{Str(secretName)}' is not in the render; name each key with secretKeyRef instead");
                    continue;
                }

                foreach (var key in SecretKeys(secret))
                {
                    env[key] = (null, $"Secret {secret.Name}");
                }
            }
        }

        foreach (var variable in Array(container["env"]).OfType<JsonObject>())
        {
            var name = Str(variable["name"]) ?? "";
            if (variable["valueFrom"]?["secretKeyRef"] is JsonObject keyRef)
            {
                var secretName = Str(keyRef["name"]) ?? "";
                var key = Str(keyRef["key"]) ?? "";
                var secret = Find("Secret", secretName);
                if (secret is not null)
                {
                    if (!SecretKeys(secret).Contains(key) && Bool(keyRef["optional"]) == true)
                    {
                        continue; // legal: optional and absent, so the variable is simply not set
                    }

                    if (!SecretKeys(secret).Contains(key))
                    {
                        Problem($"{deployment}: env {name} refers to key '{key}' that Secret {secretName} does not hold");
                        continue;
                    }
                }
                else if (secretName != _expect.ExternalSecret)
                {
                    Problem($"{deployment}: env {name} refers to Secret '{secretName}', which is neither rendered nor the expected external Secret '{_expect.ExternalSecret}'");
                    continue;
                }

                env[name] = (null, $"Secret {secretName}");
            }
            else if (variable["valueFrom"] is not null)
            {
                env[name] = (null, "valueFrom");
            }
            else
            {
                env[name] = (Str(variable["value"]), "env");
            }
        }

        return env;
    }

    private static IEnumerable<string> SecretKeys(Manifest secret) =>
        (secret.Body["data"] as JsonObject ?? []).Select(p => p.Key).Concat((secret.Body["stringData"] as JsonObject ?? []).Select(p => p.Key));

    private void CheckEnvironment(Manifest deployment, ServiceContract contract, Dictionary<string, (string? Value, string Source)> env)
    {
        var expected = _expect.FullyConfigured ? contract.RequiredEnv.Concat(contract.OptionalEnv) : contract.RequiredEnv;
        foreach (var name in expected.Where(n => !env.ContainsKey(n)))
        {
            Problem($"{deployment}: the service reads {name}, which is not set{(contract.OptionalEnv.Contains(name) ? " (this render configures every optional dependency)" : "")}");
        }

        foreach (var (name, (_, source)) in env)
        {
            if (Contract.SecretLooking.IsMatch(name) && !source.StartsWith("Secret", StringComparison.Ordinal))
            {
                Problem($"{deployment}: {name} comes from {source}; secrets must come from a Secret");
            }
        }

        if (env.TryGetValue("OTEL_SERVICE_NAME", out var otel) && otel.Value is not null && otel.Value != contract.Name)
        {
            Problem($"{deployment}: OTEL_SERVICE_NAME is '{otel.Value}', expected '{contract.Name}' (the AppHost's name)");
        }

        if (env.TryGetValue("ASPNETCORE_HTTP_PORTS", out var ports) && ports.Value is not null && ports.Value != Contract.ContainerPort.ToString(CultureInfo.InvariantCulture))
        {
            Problem($"{deployment}: ASPNETCORE_HTTP_PORTS is '{ports.Value}', expected {Contract.ContainerPort}");
        }

        // Service discovery: services__<callee>__http__0 when set must name the callee's Service;
        // when absent, http://<callee> must resolve, so the Service must be named exactly <callee> on port 80.
        foreach (var callee in contract.Calls)
        {
            var key = $"services__{callee}__http__0";
            if (env.TryGetValue(key, out var url) && url.Value is not null)
            {
                var uri = new Uri(url.Value);
                var svc = Find("Service", uri.Host);
                if (svc is null || Str(PodLabelsOfService(svc).GetValueOrDefault(ComponentLabel)) != callee)
                {
                    Problem($"{deployment}: {key}={url.Value} does not name the {callee} Service of this render");
                }
                else if (!Array(svc.Spec["ports"]).Any(p => Int(p?["port"], -1) == uri.Port))
                {
                    Problem($"{deployment}: {key}={url.Value}: Service {svc.Name} has no port {uri.Port}");
                }
            }
            else
            {
                var svc = Find("Service", callee);
                if (svc is null || !Array(svc.Spec["ports"]).Any(p => Int(p?["port"], -1) == Contract.ServicePort))
                {
                    Problem($"{deployment}: calls {callee} without services__{callee}__http__0, so a Service named exactly '{callee}' on port {Contract.ServicePort} must exist");
                }
            }
        }

        if (env.TryGetValue("DOTNET_SHUTDOWNTIMEOUTSECONDS", out var shutdown) && shutdown.Value is not null)
        {
            var podSpec = deployment.Spec["template"]?["spec"];
            var grace = Int(podSpec?["terminationGracePeriodSeconds"], 30);
            var preStop = Int(podSpec?["containers"]?[0]?["lifecycle"]?["preStop"]?["sleep"]?["seconds"], 0);
            if (int.Parse(shutdown.Value, CultureInfo.InvariantCulture) + preStop >= grace)
            {
                Problem($"{deployment}: DOTNET_SHUTDOWNTIMEOUTSECONDS {shutdown.Value} + preStop {preStop} s does not fit in terminationGracePeriodSeconds {grace}");
            }
        }
    }

    private IReadOnlyDictionary<string, string> PodLabelsOfService(Manifest service)
    {
        var workload = OfKind("Deployment").Concat(OfKind("StatefulSet")).FirstOrDefault(w => SelectsMap(service.Spec["selector"], PodLabels(w)));
        return workload is null ? new Dictionary<string, string>() : PodLabels(workload);
    }

    private void CheckChecksums(Manifest deployment, JsonObject container)
    {
        if (!_expect.ExpectChecksums)
        {
            return;
        }

        var annotations = Yaml.StringMap(deployment.Spec["template"]?["metadata"]?["annotations"]);
        if (!annotations.ContainsKey("checksum/config"))
        {
            Problem($"{deployment}: no checksum/config pod annotation: a changed ConfigMap would not roll the pods");
        }

        var usesRenderedSecret = Array(container["env"]).Any(e => e?["valueFrom"]?["secretKeyRef"]?["name"] is { } n && Find("Secret", Str(n) ?? "") is not null);
        if (usesRenderedSecret && !annotations.ContainsKey("checksum/secret"))
        {
            Problem($"{deployment}: no checksum/secret pod annotation: a changed Secret would not roll the pods");
        }
    }

    private void CheckKubernetesService(Manifest deployment, ServiceContract contract, IReadOnlyDictionary<string, string> podLabels)
    {
        var svc = Find("Service", NameOf(contract.Name));
        if (svc is null)
        {
            Problem($"{deployment}: no Service named '{NameOf(contract.Name)}' (the AppHost's name)");
            return;
        }

        if (!SelectsMap(svc.Spec["selector"], podLabels))
        {
            Problem($"{svc}: its selector does not match {deployment}'s pods");
        }

        var port = Array(svc.Spec["ports"]).FirstOrDefault(p => Int(p?["port"], -1) == Contract.ServicePort);
        if (port is null)
        {
            Problem($"{svc}: no port {Contract.ServicePort} (http://{contract.Name} must work)");
        }
        else if (ResolveContainerPort(deployment, port["targetPort"]) != Contract.ContainerPort)
        {
            Problem($"{svc}: port {Contract.ServicePort} does not target container port {Contract.ContainerPort}");
        }

        if (contract.Name != "gateway" && Str(svc.Spec["type"]) is { } type && type != "ClusterIP")
        {
            Problem($"{svc}: type {type}; only the gateway may be exposed outside the cluster");
        }
    }

    private void CheckAutoscaler(Manifest deployment)
    {
        var hpas = OfKind("HorizontalPodAutoscaler").Where(h => Str(h.Spec["scaleTargetRef"]?["name"]) == deployment.Name).ToList();
        if (hpas.Count != 1)
        {
            Problem($"{deployment}: {hpas.Count} HorizontalPodAutoscalers target it, expected one");
            return;
        }

        var hpa = hpas[0];
        if (deployment.Spec.ContainsKey("replicas"))
        {
            Problem($"{deployment}: sets spec.replicas although {hpa} scales it (every apply would reset the scale)");
        }

        var min = Int(hpa.Spec["minReplicas"], 1);
        var max = Int(hpa.Spec["maxReplicas"], 0);
        if (min < 1 || max < min)
        {
            Problem($"{hpa}: minReplicas {min} / maxReplicas {max} are inconsistent");
        }

        foreach (var (resource, target) in new[] { ("cpu", 70), ("memory", 80) })
        {
            var metric = Array(hpa.Spec["metrics"]).FirstOrDefault(m => Str(m?["type"]) == "Resource" && Str(m?["resource"]?["name"]) == resource);
            if (metric is null || Str(metric["resource"]?["target"]?["type"]) != "Utilization" || Int(metric["resource"]?["target"]?["averageUtilization"], 0) != target)
            {
                Problem($"{hpa}: no {resource} Utilization target of {target}%");
            }
        }

        var up = hpa.Spec["behavior"]?["scaleUp"];
        var down = hpa.Spec["behavior"]?["scaleDown"];
        if (up is null || down is null)
        {
            Problem($"{hpa}: behavior.scaleUp and behavior.scaleDown must both be set");
        }
        else if (Int(up["stabilizationWindowSeconds"], 0) > 30 || Int(down["stabilizationWindowSeconds"], 300) < 120)
        {
            Problem($"{hpa}: should scale up fast (stabilization <= 30 s) and down slowly (>= 120 s)");
        }
    }

    private void CheckDisruptionBudget(Manifest deployment, IReadOnlyDictionary<string, string> podLabels)
    {
        var pdbs = OfKind("PodDisruptionBudget").Where(p => Selects(p.Spec["selector"], podLabels)).ToList();
        if (pdbs.Count != 1)
        {
            Problem($"{deployment}: {pdbs.Count} PodDisruptionBudgets select its pods, expected one");
            return;
        }

        if (pdbs[0].Spec["maxUnavailable"] is null && pdbs[0].Spec["minAvailable"] is null)
        {
            Problem($"{pdbs[0]}: neither maxUnavailable nor minAvailable");
        }
    }

    private void CheckNetworkPolicies(Manifest deployment, ServiceContract contract, IReadOnlyDictionary<string, string> podLabels)
    {
        var policies = OfKind("NetworkPolicy").Where(p => Selects(p.Spec["podSelector"], podLabels)).ToList();
        var ingressPolicies = policies.Where(p => Array(p.Spec["policyTypes"]).Any(t => Str(t) == "Ingress") || p.Spec.ContainsKey("ingress")).ToList();
        if (ingressPolicies.Count == 0)
        {
            Problem($"{deployment}: no NetworkPolicy restricts who reaches it");
            return;
        }

        var appPods = Contract.Services.Select(s => (s.Name, Deployment: Find("Deployment", NameOf(s.Name))))
            .Where(x => x.Deployment is not null)
            .ToDictionary(x => x.Name, x => PodLabels(x.Deployment!));

        // Ingress: policies add up, so the union of their rules is who may connect.
        var admitted = new HashSet<string>(StringComparer.Ordinal);
        var fromOutside = false;
        foreach (var rule in ingressPolicies.SelectMany(p => Array(p.Spec["ingress"])))
        {
            var peers = Array(rule?["from"]).OfType<JsonObject>().ToList();
            if (peers.Count == 0)
            {
                fromOutside = true; // no "from": every source
                continue;
            }

            foreach (var peer in peers)
            {
                if (peer.ContainsKey("ipBlock") || peer.ContainsKey("namespaceSelector"))
                {
                    fromOutside = true;
                    continue;
                }

                admitted.UnionWith(appPods.Where(a => Selects(peer["podSelector"], a.Value)).Select(a => a.Key));
            }
        }

        if (contract.Name == "gateway")
        {
            if (admitted.Count > 0)
            {
                Problem($"{deployment}: admits {string.Join(", ", admitted)}, but nobody inside calls the gateway");
            }
        }
        else
        {
            if (fromOutside)
            {
                Problem($"{deployment}: reachable from outside the release (a rule without 'from', or an ipBlock/namespaceSelector peer); only the gateway may be");
            }

            var expected = contract.Callers.ToHashSet(StringComparer.Ordinal);
            if (!admitted.SetEquals(expected))
            {
                Problem($"{deployment}: admits [{string.Join(", ", admitted.Order())}], the topology says only [{string.Join(", ", expected.Order())}]");
            }
        }

        // Egress (when restricted): the callees are reachable on the container port, other services are not.
        var egressPolicies = policies.Where(p => Array(p.Spec["policyTypes"]).Any(t => Str(t) == "Egress")).ToList();
        if (egressPolicies.Count == 0)
        {
            return;
        }

        var rules = egressPolicies.SelectMany(p => Array(p.Spec["egress"])).OfType<JsonObject>().ToList();
        foreach (var (service, labels) in appPods.Where(a => a.Key != contract.Name))
        {
            var reachable = rules.Any(r => Array(r["to"]).OfType<JsonObject>().Any(peer => peer.ContainsKey("podSelector") && !peer.ContainsKey("namespaceSelector") && Selects(peer["podSelector"], labels))
                                          && AllowsPort(r, Contract.ContainerPort));
            if (contract.Calls.Contains(service) && !reachable)
            {
                Problem($"{deployment}: its egress policy does not let it reach {service} on port {Contract.ContainerPort}");
            }
            else if (!contract.Calls.Contains(service) && reachable)
            {
                Problem($"{deployment}: its egress policy lets it reach {service}, which the topology does not call");
            }
        }

        if (!rules.Any(r => AllowsPort(r, 53)))
        {
            Problem($"{deployment}: egress is restricted but DNS (port 53) is not allowed");
        }
    }

    private static bool AllowsPort(JsonObject rule, int port)
    {
        var ports = Array(rule["ports"]).ToList();
        return ports.Count == 0 || ports.Any(p => Int(p?["port"], -1) == port || (p?["port"] is null));
    }

    private void CheckBackingServices()
    {
        var statefulSets = OfKind("StatefulSet").ToList();
        if (!_expect.InClusterDependencies)
        {
            if (statefulSets.Count > 0)
            {
                Problem($"in-cluster dependencies are off, yet the render has StatefulSets: {string.Join(", ", statefulSets)}");
            }

            return;
        }

        foreach (var (component, ports) in Contract.BackingServices)
        {
            var name = NameOf(component);
            var set = Find("StatefulSet", name);
            var svc = Find("Service", name);
            if (set is null || svc is null)
            {
                Problem($"no StatefulSet and Service named '{name}' (the AppHost's {component} resource)");
                continue;
            }

            foreach (var port in ports.Where(p => !Array(svc.Spec["ports"]).Any(x => Int(x?["port"], -1) == p)))
            {
                Problem($"{svc}: no port {port} (the AppHost's {component} port)");
            }

            var container = set.Spec["template"]?["spec"]?["containers"]?[0];
            foreach (var probe in new[] { "startupProbe", "livenessProbe", "readinessProbe" }.Where(p => container?[p] is null))
            {
                Problem($"{set}: no {probe}");
            }

            if (container?["resources"]?["limits"]?["memory"] is null || container?["resources"]?["requests"] is null)
            {
                Problem($"{set}: resources are not set");
            }

            if (!Array(set.Spec["volumeClaimTemplates"]).Any())
            {
                Problem($"{set}: no persistent volume (volumeClaimTemplates)");
            }

            if (Bool(set.Spec["template"]?["spec"]?["securityContext"]?["runAsNonRoot"]) != true)
            {
                Problem($"{set}: runAsNonRoot is not true");
            }

            var podLabels = PodLabels(set);
            var policies = OfKind("NetworkPolicy").Where(p => Selects(p.Spec["podSelector"], podLabels)).ToList();
            if (policies.Count == 0)
            {
                Problem($"{set}: no NetworkPolicy admits only the services that use it");
            }
        }
    }

    // ---- helpers ----

    private static IReadOnlyDictionary<string, string> PodLabels(Manifest workload) =>
        Yaml.StringMap(workload.Spec["template"]?["metadata"]?["labels"]);

    private static string Component(IReadOnlyDictionary<string, string> labels) => labels.GetValueOrDefault(ComponentLabel) ?? "";

    /// <summary>A LabelSelector (matchLabels + matchExpressions) matches the labels; an empty selector matches everything.</summary>
    private static bool Selects(JsonNode? selector, IReadOnlyDictionary<string, string> labels)
    {
        if (selector is not JsonObject s)
        {
            return false;
        }

        if (!Yaml.StringMap(s["matchLabels"]).All(l => labels.TryGetValue(l.Key, out var v) && v == l.Value))
        {
            return false;
        }

        foreach (var expression in Array(s["matchExpressions"]).OfType<JsonObject>())
        {
            var key = Str(expression["key"]) ?? "";
            var values = Array(expression["values"]).Select(Str).ToList();
            var has = labels.TryGetValue(key, out var value);
            var ok = Str(expression["operator"]) switch
            {
                "In" => has && values.Contains(value),
                "NotIn" => !has || !values.Contains(value),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A Service's plain selector map matches the labels (a missing selector matches nothing).</summary>
    private static bool SelectsMap(JsonNode? selector, IReadOnlyDictionary<string, string> labels)
    {
        var map = Yaml.StringMap(selector);
        return map.Count > 0 && map.All(l => labels.TryGetValue(l.Key, out var v) && v == l.Value);
    }

    private static int? ResolveContainerPort(Manifest workload, JsonNode? port)
    {
        foreach (var container in Array(workload.Spec["template"]?["spec"]?["containers"]).OfType<JsonObject>())
        {
            if (ContainerPortOf(container, port) is { } resolved)
            {
                return resolved;
            }
        }

        return null;
    }

    private static int? ContainerPortOf(JsonObject container, JsonNode? port)
    {
        var ports = Array(container["ports"]).OfType<JsonObject>().ToList();
        if (port is JsonValue v && v.TryGetValue<long>(out var number))
        {
            return ports.Any(p => Int(p["containerPort"], -1) == number) ? (int)number : null;
        }

        var name = Str(port);
        var match = ports.FirstOrDefault(p => Str(p["name"]) == name);
        return match is null ? null : Int(match["containerPort"], -1);
    }

    private static IEnumerable<JsonNode?> Descendants(JsonNode? node)
    {
        if (node is null)
        {
            yield break;
        }

        yield return node;
        var children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a.AsEnumerable(),
            _ => [],
        };
        foreach (var child in children)
        {
            foreach (var descendant in Descendants(child))
            {
                yield return descendant;
            }
        }
    }

    private static IEnumerable<JsonNode?> Array(JsonNode? node) => node as JsonArray ?? [];

    private static string? Str(JsonNode? node) => node is null ? null : Yaml.ScalarString(node);

    private static bool? Bool(JsonNode? node) => node is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    private static int Int(JsonNode? node, int fallback) =>
        node is JsonValue v && v.TryGetValue<long>(out var l) ? (int)l
        : node is JsonValue s && s.TryGetValue<string>(out var text) && int.TryParse(text, CultureInfo.InvariantCulture, out var parsed) ? parsed
        : fallback;
}
