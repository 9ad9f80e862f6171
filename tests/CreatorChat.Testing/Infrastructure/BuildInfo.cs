using System.Reflection;

namespace CreatorChat.Testing;

public static class BuildInfo
{
    /// <summary>Debug or Release: the services are launched from the same configuration's output.</summary>
    public static string Configuration { get; } =
        typeof(BuildInfo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "BuildConfiguration")?.Value ?? "Debug";

    public static string FindRepositoryRoot(string? start = null)
    {
        var directory = new DirectoryInfo(start ?? AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CreatorChat.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("CreatorChat.sln not found above " + (start ?? AppContext.BaseDirectory));
    }
}
