using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace CreatorChat.AppHost.Infrastructure;

/// <summary>Where Postgres, Redis (and Qdrant) come from.</summary>
internal enum InfrastructureMode
{
    /// <summary>Postgres, Redis and Qdrant containers (a healthy Docker or Podman is needed).</summary>
    Containers,

    /// <summary>Postgres and Redis from this machine's binaries, started by the AppHost; retrieval keeps its embedded vector store.</summary>
    Local,

    /// <summary>Servers you already run, from <c>ConnectionStrings__*</c>.</summary>
    Existing,
}

internal static class InfrastructureModeSelector
{
    /// <summary><c>auto</c> (default), <c>containers</c>, <c>local</c> or <c>existing</c>.</summary>
    public const string Key = "Infrastructure:Mode";

    /// <summary>
    /// The configured mode, or with <c>auto</c> containers when a container runtime answers and local processes
    /// otherwise. An explicit <c>containers</c> with no healthy runtime is an error that says what to do.
    /// </summary>
    public static InfrastructureMode Select(IConfiguration configuration)
    {
        var mode = configuration[Key];
        switch (mode?.Trim().ToLowerInvariant())
        {
            case null or "" or "auto":
                var runtime = ContainerRuntime.Probe(configuration);
                if (runtime.Healthy)
                {
                    return InfrastructureMode.Containers;
                }

                if (runtime.Problem is { } problem)
                {
                    Console.WriteLine($"{problem} Using local Postgres and Redis processes instead.");
                }

                return InfrastructureMode.Local;
            case "containers" when configuration["Infrastructure:CheckContainerRuntime"] == "false":
                // Declares the containers without asking the runtime (the AppHost's model tests on machines without one).
                return InfrastructureMode.Containers;
            case "containers":
                var probe = ContainerRuntime.Probe(configuration);
                return probe.Healthy
                    ? InfrastructureMode.Containers
                    : throw new PlatformStartupException(
                        $"{Key}=containers, but {probe.Problem ?? "no container runtime (docker or podman) is installed."} " +
                        $"Start Docker or Podman, or run with {Key}=local (Postgres and Redis from this machine) or {Key}=existing.");
            case "local":
                return InfrastructureMode.Local;
            case "existing":
                return InfrastructureMode.Existing;
            default:
                throw new PlatformStartupException($"{Key} must be auto, containers, local or existing, not '{mode}'.");
        }
    }
}

/// <summary>Whether the container runtime Aspire would use (<c>ASPIRE_CONTAINER_RUNTIME</c>, else docker, else podman) answers.</summary>
internal sealed record ContainerRuntime(bool Healthy, string? Problem)
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    public static ContainerRuntime Probe(IConfiguration configuration)
    {
        var configured = configuration["ASPIRE_CONTAINER_RUNTIME"] ?? configuration["DcpPublisher:ContainerRuntime"];
        var candidates = configured is { Length: > 0 } ? [configured] : new[] { "docker", "podman" };
        var runtime = candidates.FirstOrDefault(IsOnPath);
        if (runtime is null)
        {
            return new ContainerRuntime(false, null);
        }

        try
        {
            using var process = Process.Start(new ProcessStartInfo(runtime, ["info", "--format", "{{.ServerVersion}}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            if (!process.WaitForExit(ProbeTimeout))
            {
                process.Kill(entireProcessTree: true);
                return new ContainerRuntime(false, $"'{runtime} info' did not answer within {ProbeTimeout.TotalSeconds:0} s: the container runtime is unhealthy.");
            }

            return process.ExitCode == 0
                ? new ContainerRuntime(true, null)
                : new ContainerRuntime(false, $"Container runtime '{runtime}' was found but is unhealthy ('{runtime} info' exited with {process.ExitCode}: {process.StandardError.ReadToEnd().Trim()}).");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return new ContainerRuntime(false, $"Container runtime '{runtime}' could not be run: {ex.Message}.");
        }
    }

    private static bool IsOnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, command)));
}
