using System.Reflection;

namespace CreatorChat.AppHost;

/// <summary>
/// Starts each replica of a service as its built executable instead of through <c>dotnet run</c>. Left to Aspire,
/// every replica is <c>dotnet run --no-build --project …</c>: an SDK process that evaluates the project (seconds of CPU
/// on a small machine) and then stays alive as the service's parent (~100 MiB each). The AppHost's build has already
/// built every service it references, so the executable is what that launcher would have started: the same build
/// output, working directory (the project folder, hence the same content root) and environment (Aspire applies the
/// launch profile itself either way). It stays a project resource: replicas, endpoints, references, health, dashboard.
/// </summary>
internal static class ServiceBuildOutput
{
    private const string TargetPathKey = "servicetargetpath:"; // written by the EmbedServiceTargetPaths target

    /// <summary>Where <c>scripts/build-apphost.sh</c> publishes each service's ReadyToRun copy, under its <c>bin/</c>.</summary>
    public const string ReadyToRunFolder = "readytorun";

    public static IResourceBuilder<ProjectResource> RunBuildOutput(this IResourceBuilder<ProjectResource> service)
    {
        var project = service.Resource.GetProjectMetadata();
        var targetPath = typeof(ServiceBuildOutput).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == TargetPathKey + project.ProjectPath)?.Value
            ?? throw new InvalidOperationException($"The AppHost was built without the build output of {project.ProjectPath} (EmbedServiceTargetPaths).");
        var executable = Path.ChangeExtension(targetPath, OperatingSystem.IsWindows() ? ".exe" : null);
        if (!File.Exists(executable))
        {
            throw new PlatformStartupException(
                $"{service.Resource.Name} is not built ({executable} is missing). Build it: dotnet build CreatorChat.AppHost (./run.sh does).");
        }

        var readyToRunFolder = Path.Combine(Path.GetDirectoryName(project.ProjectPath)!, "bin", ReadyToRunFolder);
        var readyToRun = Path.Combine(readyToRunFolder, Path.GetFileName(executable));
        if (File.Exists(readyToRun) && IsCurrent(Path.Combine(readyToRunFolder, Path.GetFileName(targetPath)), Path.GetDirectoryName(targetPath)!))
        {
            executable = readyToRun;
        }

        return service.WithAnnotation(
            new ExecutableAnnotation { Command = executable, WorkingDirectory = Path.GetDirectoryName(project.ProjectPath)! },
            ResourceAnnotationMutationBehavior.Replace);
    }

    /// <summary>
    /// The copy was published after every assembly of the build output was written: a rebuild of the service or of a
    /// library it references (ServiceDefaults rebuilt alone leaves the service's own dll untouched) makes it stale.
    /// </summary>
    private static bool IsCurrent(string publishedAssembly, string buildFolder) =>
        File.Exists(publishedAssembly) &&
        File.GetLastWriteTimeUtc(publishedAssembly) >= Directory.EnumerateFiles(buildFolder, "*.dll").Max(File.GetLastWriteTimeUtc);
}
