namespace CreatorChat.Deployment.Tests.Infrastructure;

/// <summary>Where the repository, its deployment files and the shared tools are.</summary>
internal static class Repo
{
    private static readonly Lazy<string> RootPath = new(FindRoot);

    /// <summary>The repository root: the nearest folder above the test binaries holding CreatorChat.sln or .git.</summary>
    public static string Root => RootPath.Value;

    public static string Chart => Path.Combine(Root, "helm", "creatorchat");

    public static string K8s => Path.Combine(Root, "k8s");

    /// <summary>The <c>shared</c> folder beside the repository (tools, schemas), or null when it is absent.</summary>
    public static string? Shared
    {
        get
        {
            var shared = Path.GetFullPath(Path.Combine(Root, "..", "shared"));
            return Directory.Exists(shared) ? shared : null;
        }
    }

    /// <summary>Test values files copied next to the test assembly.</summary>
    public static string TestValues(string file) => Path.Combine(AppContext.BaseDirectory, "values", file);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CreatorChat.sln")) || Directory.Exists(Path.Combine(dir.FullName, ".git")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No CreatorChat.sln or .git above {AppContext.BaseDirectory}: run the tests from the repository.");
    }
}
