using k8s.Models;

namespace CreatorChat.Deployment.Tests.Checks;

/// <summary>A service's pod runs unprivileged, read-only, without a Kubernetes API token.</summary>
internal static class SecurityChecks
{
    public static IEnumerable<string> Check(Manifests manifests, Workload deployment, V1Container container) =>
        Context(deployment, container).Concat(ServiceAccount(manifests, deployment));

    private static IEnumerable<string> Context(Workload deployment, V1Container container)
    {
        var pod = deployment.Pod.SecurityContext;
        var own = container.SecurityContext;
        if (own?.RunAsNonRoot != true && pod?.RunAsNonRoot != true)
        {
            yield return $"{deployment}: runAsNonRoot is not true";
        }

        if (own?.SeccompProfile?.Type != "RuntimeDefault" && pod?.SeccompProfile?.Type != "RuntimeDefault")
        {
            yield return $"{deployment}: seccompProfile is not RuntimeDefault";
        }

        if (own?.AllowPrivilegeEscalation != false)
        {
            yield return $"{deployment}: allowPrivilegeEscalation is not false";
        }

        if (own?.ReadOnlyRootFilesystem != true)
        {
            yield return $"{deployment}: readOnlyRootFilesystem is not true";
        }

        if (own?.Privileged == true)
        {
            yield return $"{deployment}: privileged container";
        }

        if (own?.Capabilities?.Drop?.Contains("ALL") != true)
        {
            yield return $"{deployment}: capabilities.drop does not contain ALL";
        }

        var tmp = container.VolumeMounts?.FirstOrDefault(m => m.MountPath == "/tmp");
        var volume = tmp is null ? null : deployment.Pod.Volumes?.FirstOrDefault(v => v.Name == tmp.Name);
        if (volume?.EmptyDir is null || tmp!.ReadOnlyProperty == true)
        {
            yield return $"{deployment}: no writable /tmp (an emptyDir volume mounted at /tmp) for the read-only root filesystem";
        }
    }

    private static IEnumerable<string> ServiceAccount(Manifests manifests, Workload deployment)
    {
        if (deployment.Pod.AutomountServiceAccountToken != false)
        {
            yield return $"{deployment}: automountServiceAccountToken is not false on the pod";
        }

        var accountName = deployment.Pod.ServiceAccountName;
        var account = manifests.Find<V1ServiceAccount>(accountName);
        if (account is null)
        {
            yield return $"{deployment}: serviceAccountName '{accountName}' is not a ServiceAccount of this render (one per service)";
        }
        else if (account.AutomountServiceAccountToken != false)
        {
            yield return $"{Manifests.Describe(account)}: automountServiceAccountToken is not false";
        }
    }
}
