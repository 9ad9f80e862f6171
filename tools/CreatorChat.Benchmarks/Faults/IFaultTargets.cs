using System.Diagnostics;
using CreatorChat.Testing;

namespace CreatorChat.Benchmarks.Faults;

/// <summary>
/// What the faults benchmark needs from a running platform, and no more: the gateway's address, and for
/// each target — <c>redis</c>, <c>postgres</c> or a replica such as <c>chat-1</c> — its process id
/// (to freeze and thaw it), a crash, a graceful stop (replicas only) and a restart.
/// </summary>
public interface IFaultTargets
{
    Uri GatewayUrl { get; }

    int ProcessId(string target);

    Task KillAsync(string target, CancellationToken cancellationToken);

    Task StopAsync(string target, CancellationToken cancellationToken);

    Task RestartAsync(string target, CancellationToken cancellationToken);
}

/// <summary><see cref="IFaultTargets"/> over the resources the AppHost started (<see cref="AspirePlatform"/>).</summary>
public sealed class AspireFaultTargets(AspirePlatform platform) : IFaultTargets
{
    private readonly Dictionary<string, PlatformProcess> _killed = new(StringComparer.Ordinal);

    public Uri GatewayUrl => platform.GatewayUrl;

    public int ProcessId(string target) => target switch
    {
        "redis" => platform.ResourceProcessId("cache"),
        "postgres" => platform.ResourceProcessId("postgres"),
        _ => platform.Processes.First(p => p.Name == target).Id,
    };

    public Task KillAsync(string target, CancellationToken cancellationToken)
    {
        var pid = ProcessId(target);
        if (target is not ("redis" or "postgres"))
        {
            _killed[target] = platform.Processes.First(p => p.Id == pid);
        }

        using var process = Process.GetProcessById(pid);
        process.Kill(entireProcessTree: true);
        return Task.CompletedTask;
    }

    public async Task StopAsync(string target, CancellationToken cancellationToken)
    {
        var replica = platform.Processes.First(p => p.Name == target);
        _killed[target] = replica;
        await platform.StopReplicaAsync(replica);
    }

    public async Task RestartAsync(string target, CancellationToken cancellationToken)
    {
        switch (target)
        {
            case "redis":
                await platform.RestartResourceAsync("cache", cancellationToken);
                break;
            case "postgres":
                await platform.RestartResourceAsync("postgres", cancellationToken);
                break;
            default:
                await platform.RestartAsync(_killed[target]);
                break;
        }
    }
}
