namespace CreatorChat.DevHost.Infrastructure;

public record PlatformOptions
{
    /// <summary>The folder holding CreatorChat.sln.</summary>
    public required string RepositoryRoot { get; init; }

    /// <summary>Where Postgres, Redis and service logs keep their files.</summary>
    public required string DataFolder { get; init; }

    /// <summary>Keep data between runs (the local run) or not (tests).</summary>
    public bool Persistent { get; init; } = true;

    /// <summary>Fixed well-known ports (the local run), or free ones (tests, so runs never collide).</summary>
    public bool FixedPorts { get; init; } = true;

    public int PostgresPort { get; init; } = 55432;

    public int RedisPort { get; init; } = 56379;

    /// <summary>Replicas per service name; 1 when not listed.</summary>
    public IReadOnlyDictionary<string, int> Replicas { get; init; } = new Dictionary<string, int>();

    /// <summary>Only these services are started (all when null).</summary>
    public IReadOnlySet<string>? Only { get; init; }

    public string Environment { get; init; } = "Development";

    public string BuildConfiguration { get; init; } = BuildInfo.Configuration;

    /// <summary>Added to every service's environment (after the contract variables, so it can override them).</summary>
    public IReadOnlyDictionary<string, string> ExtraEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Use an existing Postgres server (superuser connection string with no database) instead of starting one.</summary>
    public string? ExistingPostgres { get; init; }

    /// <summary>Use an existing Redis server instead of starting one.</summary>
    public string? ExistingRedis { get; init; }

    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(90);

    public Action<string> Output { get; init; } = _ => { };
}
