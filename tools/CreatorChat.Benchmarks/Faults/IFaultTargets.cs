using CreatorChat.DevHost.Infrastructure;

namespace CreatorChat.Benchmarks.Faults;

/// <summary>
/// What the faults benchmark needs from a running platform, and no more, so that it can move to any
/// host that runs the processes (today <see cref="LocalPlatform"/>): the gateway's address, and for
/// each target — <c>redis</c>, <c>postgres</c> or a replica such as <c>chat-1</c> — its process id
/// (to freeze and thaw it), a crash and a restart.
/// </summary>
public interface IFaultTargets
{
    Uri GatewayUrl { get; }

    int ProcessId(string target);

    Task KillAsync(string target, CancellationToken cancellationToken);

    Task RestartAsync(string target, CancellationToken cancellationToken);
}

/// <summary><see cref="IFaultTargets"/> over the processes of a <see cref="LocalPlatform"/>.</summary>
public sealed class LocalFaultTargets(LocalPlatform platform) : IFaultTargets
{
    private int _redisPort;

    public Uri GatewayUrl => platform.GatewayUrl;

    public int ProcessId(string target) => target switch
    {
        "redis" => platform.RedisProcessId,
        "postgres" => platform.PostgresProcessId,
        _ => platform.Processes.First(p => p.Name == target).Id,
    };

    public async Task KillAsync(string target, CancellationToken cancellationToken)
    {
        switch (target)
        {
            case "redis":
                _redisPort = platform.RedisPort;
                await platform.CrashRedisAsync(cancellationToken);
                break;
            case "postgres":
                await platform.CrashPostgresAsync(cancellationToken);
                break;
            default:
                platform.KillReplica(target);
                break;
        }
    }

    public async Task RestartAsync(string target, CancellationToken cancellationToken)
    {
        switch (target)
        {
            case "redis":
                await platform.StartRedisAgainAsync(_redisPort, cancellationToken);
                break;
            case "postgres":
                await platform.StartPostgresAgainAsync(cancellationToken);
                break;
            default:
                platform.RestartReplica(target);
                break;
        }
    }
}
