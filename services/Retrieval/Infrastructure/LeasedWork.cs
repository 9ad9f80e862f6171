namespace CreatorChat.Retrieval.Infrastructure;

/// <summary>What the workers that hold jobs under a lease (ingestion, re-embedding) share: who holds a lease, and how their loops report trouble.</summary>
public static partial class LeasedWork
{
    /// <summary>A lease-owner id for one worker of this process (host:pid:random), unique across replicas and restarts.</summary>
    public static string NewOwner()
    {
        var host = Environment.MachineName;
        return $"{(host.Length <= 64 ? host : host[..64])}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Work}: a dependency is unavailable ({Reason}); retrying")]
    public static partial void DependencyUnavailable(ILogger logger, string work, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Work} failed unexpectedly; continuing")]
    public static partial void LoopFailed(ILogger logger, string work, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Work}: {Job} is no longer held by this replica; stopped working on it")]
    public static partial void LeaseLost(ILogger logger, string work, string job);
}
