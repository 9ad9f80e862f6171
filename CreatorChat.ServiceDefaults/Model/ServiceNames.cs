namespace CreatorChat.ServiceDefaults.Model;

/// <summary>
/// The platform's services by the names the AppHost gives them: their resource names, their service-discovery
/// names (<c>http://chat</c>), their telemetry service names and their Kubernetes Service names. The AppHost
/// compiles this file too, so the topology and its callers can never spell a service two ways.
/// </summary>
public static class ServiceNames
{
    public const string Gateway = "gateway";
    public const string Creator = "creator";
    public const string Chat = "chat";
    public const string Retrieval = "retrieval";

    /// <summary>The services behind the gateway (they start in parallel; callers ride out one that is still starting).</summary>
    public static readonly IReadOnlyList<string> Backends = [Creator, Retrieval, Chat];
}
