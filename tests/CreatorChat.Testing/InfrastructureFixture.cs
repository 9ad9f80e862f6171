using Npgsql;
using Xunit;

namespace CreatorChat.Testing;

/// <summary>
/// Real PostgreSQL and Redis for a test assembly: throwaway servers started under a temp folder, or
/// existing ones from <c>CREATORCHAT_TEST_POSTGRES</c> / <c>CREATORCHAT_TEST_REDIS</c>. Each test
/// class asks for fresh databases, so tests never see each other's rows.
/// </summary>
public sealed class InfrastructureFixture : IAsyncLifetime
{
    private static readonly Lazy<Task<InfrastructureFixture>> SharedInstance = new(async () =>
    {
        var shared = new InfrastructureFixture();
        await shared.InitializeAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => shared.DisposeAsync().GetAwaiter().GetResult();
        return shared;
    });

    /// <summary>
    /// One instance for the whole test process, for class fixtures (xunit 2 fixtures cannot depend on
    /// collection fixtures). Stopped when the test process exits.
    /// </summary>
    public static Task<InfrastructureFixture> SharedAsync() => SharedInstance.Value;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "creatorchat-tests", Guid.NewGuid().ToString("N")[..12]);
    private LocalPostgres? _postgres;
    private LocalRedis? _redis;

    public string PostgresConnectionString { get; private set; } = "";

    public string RedisConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var postgres = Environment.GetEnvironmentVariable("CREATORCHAT_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(postgres))
        {
            _postgres = await LocalPostgres.StartAsync(Path.Combine(_folder, "postgres"), FreePort.Next(), ephemeral: true, timeout.Token);
            postgres = _postgres.ConnectionString("postgres");
        }

        PostgresConnectionString = postgres;

        var redis = Environment.GetEnvironmentVariable("CREATORCHAT_TEST_REDIS");
        if (string.IsNullOrWhiteSpace(redis))
        {
            _redis = await LocalRedis.StartAsync(Path.Combine(_folder, "redis"), FreePort.Next(), persistent: false, timeout.Token);
            redis = _redis.ConnectionString;
        }

        RedisConnectionString = redis;
    }

    /// <summary>The PostgreSQL server's main process (its backends are its children), when this fixture started it.</summary>
    public int PostgresProcessId => _postgres is null
        ? throw new InvalidOperationException("PostgreSQL was not started by this fixture (CREATORCHAT_TEST_POSTGRES is set).")
        : int.Parse(File.ReadLines(Path.Combine(_postgres.DataDirectory, "postmaster.pid")).First().Trim());

    /// <summary>
    /// Crashes the PostgreSQL server this fixture started (an immediate stop: no checkpoint, no flush, clients cut off)
    /// and starts it again on the same port and data, which runs crash recovery: what survives is what was durable.
    /// </summary>
    public async Task CrashAndRestartPostgresAsync(CancellationToken cancellationToken)
    {
        var postgres = _postgres ?? throw new InvalidOperationException("PostgreSQL was not started by this fixture (CREATORCHAT_TEST_POSTGRES is set).");
        await postgres.StopAsync(immediate: true);
        _postgres = await LocalPostgres.StartAsync(Path.Combine(_folder, "postgres"), postgres.Port, ephemeral: true, cancellationToken);
    }

    /// <summary>The Redis server's process, when this fixture started it.</summary>
    public int RedisProcessId => _redis?.ProcessId
        ?? throw new InvalidOperationException("Redis was not started by this fixture (CREATORCHAT_TEST_REDIS is set).");

    /// <summary>A connection string for a new, empty database (not created yet: services create their own).</summary>
    public string NewDatabase(string prefix) =>
        new NpgsqlConnectionStringBuilder(PostgresConnectionString) { Database = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 63)] }.ConnectionString;

    public async Task DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        TemporaryFolder.DeleteQuietly(_folder);
    }
}
