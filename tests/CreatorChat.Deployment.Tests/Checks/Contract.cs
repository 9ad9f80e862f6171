using System.Text.RegularExpressions;

namespace CreatorChat.Deployment.Tests.Checks;

/// <summary>One service of the topology and the configuration it reads (docs/ARCHITECTURE.md).</summary>
internal sealed record ServiceContract(
    string Name,
    string Database,
    IReadOnlyList<string> Calls,
    IReadOnlyList<string> RequiredEnv,
    IReadOnlyList<string> OptionalEnv)
{
    public IReadOnlyList<string> Callers => Contract.Services.Where(s => s.Calls.Contains(Name)).Select(s => s.Name).ToList();

    /// <summary>The connection names (ConnectionStrings__&lt;name&gt;) this service may read.</summary>
    public IReadOnlyList<string> ConnectionNames => RequiredEnv.Concat(OptionalEnv)
        .Where(e => e.StartsWith(Contract.ConnectionStringPrefix, StringComparison.Ordinal))
        .Select(e => e[Contract.ConnectionStringPrefix.Length..])
        .ToList();

    public override string ToString() => Name;
}

/// <summary>
/// The checked-in configuration contract: the Aspire resource names, who calls whom, and every
/// environment variable each service reads. <see cref="AppHostModel"/> and <see cref="ServiceSourceScan"/>
/// check it against the code; the manifest checks check the renders against it.
/// </summary>
internal static class Contract
{
    public const string ConnectionStringPrefix = "ConnectionStrings__";
    public const int ContainerPort = 8080;
    public const int ServicePort = 80;

    // Every service validates platform tokens (PlatformAuthenticationExtensions) with the same Jwt__SigningKey.
    private static readonly string[] Common = ["ASPNETCORE_ENVIRONMENT", "ASPNETCORE_HTTP_PORTS", "OTEL_SERVICE_NAME", "Jwt__SigningKey"];

    // The creator service has no use for Redis, so it is given no way to reach it.
    private const string Cache = "ConnectionStrings__cache";

    public static readonly IReadOnlyList<ServiceContract> Services =
    [
        new("gateway", "identitydb", ["creator", "chat", "retrieval"],
            [.. Common, Cache, "ConnectionStrings__identitydb"],
            ["OTEL_EXPORTER_OTLP_ENDPOINT", "Admin__Email", "Admin__Password", "Cors__AllowedOrigins__0"]),
        new("creator", "creatordb", [],
            [.. Common, "ConnectionStrings__creatordb"],
            ["OTEL_EXPORTER_OTLP_ENDPOINT"]),
        new("chat", "chatdb", ["creator", "retrieval"],
            [.. Common, Cache, "ConnectionStrings__chatdb"],
            ["OTEL_EXPORTER_OTLP_ENDPOINT", "ConnectionStrings__llm"]),
        new("retrieval", "retrievaldb", ["creator"],
            [.. Common, Cache, "ConnectionStrings__retrievaldb"],
            ["OTEL_EXPORTER_OTLP_ENDPOINT", "ConnectionStrings__qdrant_http", "ConnectionStrings__embeddings"]),
    ];

    /// <summary>Backing resources (AppHost names) and their ports when they run in the cluster.</summary>
    public static readonly IReadOnlyDictionary<string, int[]> BackingServices = new Dictionary<string, int[]>
    {
        ["postgres"] = [5432],
        ["cache"] = [6379],
        ["qdrant"] = [6333, 6334],
    };

    /// <summary>Variables whose values are secrets: never in a ConfigMap.</summary>
    public static readonly Regex SecretLooking = new(@"(?i)(password|secret|signingkey|apikey|api_key|token|^ConnectionStrings__)", RegexOptions.CultureInvariant);

    public static ServiceContract Service(string name) => Services.Single(s => s.Name == name);

    public static bool IsAppService(string name) => Services.Any(s => s.Name == name);
}
