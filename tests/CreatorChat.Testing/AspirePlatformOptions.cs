namespace CreatorChat.Testing;

/// <summary>How a test or benchmark wants the platform: which services, how many replicas, what extra settings.</summary>
public sealed record AspirePlatformOptions
{
    /// <summary>Replicas per service name; the AppHost's own defaults (chat 2, retrieval 2, others 1) when not listed.</summary>
    public IReadOnlyDictionary<string, int> Replicas { get; init; } = new Dictionary<string, int>();

    /// <summary>Only these services are started (all when null); the others are declared but left stopped.</summary>
    public IReadOnlySet<string>? Only { get; init; }

    /// <summary><c>ASPNETCORE_ENVIRONMENT</c> of every service: <c>Testing</c> applies production rules.</summary>
    public string Environment { get; init; } = "Testing";

    /// <summary>Added to every service's environment, after the AppHost's own variables (so it can override them).</summary>
    public IReadOnlyDictionary<string, string> ExtraEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>The administrator the gateway bootstraps.</summary>
    public string AdminEmail { get; init; } = "admin@creatorchat.test";

    public string AdminPassword { get; init; } = "Admin-" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>Where services send traces, metrics and logs (OTLP over HTTP/protobuf); none when null.</summary>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary>Existing servers instead of the AppHost's local processes (<c>CREATORCHAT_TEST_POSTGRES</c>/<c>_REDIS</c> by default).</summary>
    public string? ExistingPostgres { get; init; } = System.Environment.GetEnvironmentVariable("CREATORCHAT_TEST_POSTGRES");

    public string? ExistingRedis { get; init; } = System.Environment.GetEnvironmentVariable("CREATORCHAT_TEST_REDIS");

    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromMinutes(3);
}
