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
            // Outside the ephemeral range: the kernel may give a port from it to any outgoing connection before the server binds it
            // (or binds it again after a restart).
            _postgres = await LocalPostgres.StartAsync(Path.Combine(_folder, "postgres"), FreePort.OutsideEphemeralRange(), ephemeral: true, timeout.Token);
            postgres = _postgres.ConnectionString("postgres");
        }

        PostgresConnectionString = postgres;

        var redis = Environment.GetEnvironmentVariable("CREATORCHAT_TEST_REDIS");
        if (string.IsNullOrWhiteSpace(redis))
        {
            _redis = await LocalRedis.StartAsync(Path.Combine(_folder, "redis"), FreePort.OutsideEphemeralRange(), persistent: false, timeout.Token);
            redis = _redis.ConnectionString;
        }

        RedisConnectionString = redis;
    }

    /// <summary>The PostgreSQL server's main process (its backends are its children), when this fixture started it.</summary>
    public int PostgresProcessId => int.Parse(File.ReadLines(Path.Combine(OwnPostgres.DataDirectory, "postmaster.pid")).First().Trim());

    /// <summary>
    /// Stops the PostgreSQL server this fixture started: <paramref name="crash"/> is an immediate stop (no checkpoint, no
    /// flush, clients cut off, recovery at the next start), otherwise a fast, clean one. <see cref="StartPostgresAsync"/>
    /// starts it again on the same port and data: what survives a crash is what was durable.
    /// </summary>
    public Task StopPostgresAsync(bool crash) => OwnPostgres.StopAsync(immediate: crash);

    public async Task StartPostgresAsync(CancellationToken cancellationToken) =>
        _postgres = await LocalPostgres.StartAsync(Path.Combine(_folder, "postgres"), OwnPostgres.Port, ephemeral: true, cancellationToken);

    private LocalPostgres OwnPostgres =>
        _postgres ?? throw new InvalidOperationException("PostgreSQL was not started by this fixture (CREATORCHAT_TEST_POSTGRES is set).");

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
