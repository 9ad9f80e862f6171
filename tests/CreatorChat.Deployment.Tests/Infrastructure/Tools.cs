namespace CreatorChat.Deployment.Tests.Infrastructure;

public enum Tool
{
    /// <summary>Real <c>helm</c> on PATH, else <c>../shared/tools/helm-template/helm-template</c>.</summary>
    HelmRenderer,

    /// <summary><c>../shared/tools/k8s-validate/k8s-validate</c> (needs node).</summary>
    K8sValidate,

    /// <summary><c>kubectl</c> on PATH (its built-in kustomize).</summary>
    Kubectl,
}

/// <summary>Finds the external programs the tests drive.</summary>
internal static class Tools
{
    /// <summary>Real Helm, when on PATH: preferred over the offline emulation.</summary>
    public static string? RealHelm { get; } = FindOnPath("helm");

    public static string? HelmTemplate => SharedTool("helm-template", "helm-template");

    public static string? K8sValidate => FindOnPath("node") is null ? null : SharedTool("k8s-validate", "k8s-validate");

    public static string? Kubectl { get; } = FindOnPath("kubectl");

    /// <summary>The program that renders the chart: real helm, else the shared helm-template.</summary>
    public static string? HelmRenderer => RealHelm ?? HelmTemplate;

    public static string HelmRendererName => RealHelm is not null ? "helm template" : "helm-template (offline emulation)";

    /// <summary>Why a tool is unavailable, or null when it is there.</summary>
    public static string? MissingReason(Tool tool) => tool switch
    {
        Tool.HelmRenderer when HelmRenderer is null =>
            "neither `helm` on PATH nor ../shared/tools/helm-template/helm-template beside the repository: cannot render the chart",
        Tool.K8sValidate when K8sValidate is null =>
            "../shared/tools/k8s-validate/k8s-validate (and node) not available: cannot validate against the Kubernetes 1.32 schemas",
        Tool.Kubectl when Kubectl is null => "`kubectl` is not on PATH: cannot render the kustomize overlays",
        _ => null,
    };

    private static string? SharedTool(string folder, string file)
    {
        if (Repo.Shared is not { } shared)
        {
            return null;
        }

        var path = Path.Combine(shared, "tools", folder, file);
        return File.Exists(path) ? path : null;
    }

    private static string? FindOnPath(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate) && IsExecutable(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool IsExecutable(string file) =>
        OperatingSystem.IsWindows() || (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
