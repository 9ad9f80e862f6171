using k8s.Models;

namespace CreatorChat.Deployment.Tests.Checks;

/// <summary>Each service scales through one autoscaling/v2 HorizontalPodAutoscaler on CPU and memory.</summary>
internal static class ScalingChecks
{
    /// <summary>Every autoscaler is autoscaling/v2 and targets an apps/v1 Deployment of the render.</summary>
    public static IEnumerable<string> Autoscalers(Manifests manifests)
    {
        foreach (var old in manifests.OfType<V1HorizontalPodAutoscaler>())
        {
            yield return $"{Manifests.Describe(old)}: apiVersion {old.ApiVersion}, expected autoscaling/v2";
        }

        foreach (var hpa in manifests.OfType<V2HorizontalPodAutoscaler>())
        {
            if (hpa.ApiVersion != "autoscaling/v2")
            {
                yield return $"{Manifests.Describe(hpa)}: apiVersion {hpa.ApiVersion}, expected autoscaling/v2";
            }

            var target = hpa.Spec?.ScaleTargetRef;
            if (target?.Kind != "Deployment" || target.ApiVersion != "apps/v1" || manifests.Deployment(target.Name ?? "") is null)
            {
                yield return $"{Manifests.Describe(hpa)}: scaleTargetRef {target?.ApiVersion}/{target?.Kind}/{target?.Name} does not name an apps/v1 Deployment of this render";
            }
        }
    }

    public static IEnumerable<string> Check(Manifests manifests, Workload deployment)
    {
        var hpas = manifests.OfType<V2HorizontalPodAutoscaler>().Where(h => h.Spec?.ScaleTargetRef?.Name == deployment.Name).ToList();
        if (hpas.Count != 1)
        {
            yield return $"{deployment}: {hpas.Count} HorizontalPodAutoscalers target it, expected one";
            yield break;
        }

        var hpa = hpas[0];
        var name = Manifests.Describe(hpa);
        if (((V1Deployment)deployment.Object).Spec.Replicas is not null)
        {
            yield return $"{deployment}: sets spec.replicas although {name} scales it (every apply would reset the scale)";
        }

        var min = hpa.Spec.MinReplicas ?? 1;
        var max = hpa.Spec.MaxReplicas;
        if (min < 1 || max < min)
        {
            yield return $"{name}: minReplicas {min} / maxReplicas {max} are inconsistent";
        }

        foreach (var (resource, utilization) in new[] { ("cpu", 70), ("memory", 80) })
        {
            var target = hpa.Spec.Metrics?.FirstOrDefault(m => m.Type == "Resource" && m.Resource?.Name == resource)?.Resource.Target;
            if (target?.Type != "Utilization" || target.AverageUtilization != utilization)
            {
                yield return $"{name}: no {resource} Utilization target of {utilization}%";
            }
        }

        var up = hpa.Spec.Behavior?.ScaleUp;
        var down = hpa.Spec.Behavior?.ScaleDown;
        if (up is null || down is null)
        {
            yield return $"{name}: behavior.scaleUp and behavior.scaleDown must both be set";
        }
        // Kubernetes' defaults: scale up at once (0 s), down after 300 s.
        else if ((up.StabilizationWindowSeconds ?? 0) > 30 || (down.StabilizationWindowSeconds ?? 300) < 120)
        {
            yield return $"{name}: should scale up fast (stabilization <= 30 s) and down slowly (>= 120 s)";
        }
    }
}
