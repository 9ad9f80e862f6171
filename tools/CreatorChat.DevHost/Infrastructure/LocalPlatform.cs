using System.Globalization;
using CreatorChat.DevHost.Topology;
using Npgsql;

namespace CreatorChat.DevHost.Infrastructure;

/// <summary>
/// Postgres, Redis and every service as real local processes, wired with exactly the environment
/// the AppHost injects (connection strings, <c>services__*</c> endpoints, OTEL variables).
/// </summary>
public sealed class LocalPlatform : IAsyncDisposable
{
    private readonly List<ServiceProcess> _processes = [];
    private readonly Dictionary<string, Func<ServiceProcess>> _starters = [];
    private LocalPostgres? _postgres;
    private LocalRedis? _redis;

    private LocalPlatform(PlatformOptions options) => Options = options;

    public PlatformOptions Options { get; }
    public string PostgresConnectionString { get; private set; } = "";
    public string RedisConnectionString { get; private set; } = "";

    /// <summary>The platform's token signing key (<c>Jwt__SigningKey</c>), kept in the data folder.</summary>
    public string SigningKey { get; private set; } = "";

    /// <summary>The administrator the gateway bootstraps (<c>Admin__Email</c>).</summary>
    public string AdminEmail => "admin@creatorchat.local";

    /// <summary>Generated once per data folder (<c>admin.password</c> there).</summary>
    public string AdminPassword { get; private set; } = "";
    public IReadOnlyList<ServiceProcess> Processes => _processes;

    public Uri Url(string service) => _processes.First(p => p.Name == service).Url;

    public Uri GatewayUrl => Url("gateway");

    public string DatabaseConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(PostgresConnectionString) { Database = database }.ConnectionString;

    public static async Task<LocalPlatform> StartAsync(PlatformOptions options, CancellationToken cancellationToken)
    {
        var platform = new LocalPlatform(options);
        try
        {
            await platform.StartInfrastructureAsync(cancellationToken);
            platform.StartServices();
            await platform.WaitUntilHealthyAsync(cancellationToken);
            return platform;
        }
        catch
        {
            await platform.DisposeAsync();
            throw;
        }
    }

    private async Task StartInfrastructureAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Options.DataFolder);
        SigningKey = await ReadOrCreateSecretAsync("jwt-signing.key", 48, cancellationToken);
        AdminPassword = "Cc-" + await ReadOrCreateSecretAsync("admin.password", 12, cancellationToken);

        if (Options.ExistingPostgres is { } existing)
        {
            PostgresConnectionString = existing;
        }
        else
        {
            var port = Options.FixedPorts ? Options.PostgresPort : FreePort.Next();
            _postgres = await LocalPostgres.StartAsync(Path.Combine(Options.DataFolder, "postgres"), port, ephemeral: !Options.Persistent, cancellationToken);
            PostgresConnectionString = _postgres.ConnectionString("postgres");
            Options.Output($"[postgres] listening on 127.0.0.1:{port}");
        }

        if (Options.ExistingRedis is { } redis)
        {
            RedisConnectionString = redis;
        }
        else
        {
            var port = Options.FixedPorts ? Options.RedisPort : FreePort.Next();
            _redis = await LocalRedis.StartAsync(Path.Combine(Options.DataFolder, "redis"), port, Options.Persistent, cancellationToken);
            RedisConnectionString = _redis.ConnectionString;
            Options.Output($"[cache] listening on 127.0.0.1:{port}");
        }
    }

    private async Task<string> ReadOrCreateSecretAsync(string fileName, int bytes, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Options.DataFolder, fileName);
        if (!File.Exists(path))
        {
            await File.WriteAllTextAsync(path, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(bytes)), cancellationToken);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        return (await File.ReadAllTextAsync(path, cancellationToken)).Trim();
    }

    private void StartServices()
    {
        var services = PlatformTopology.Services.Where(s => Options.Only is null || Options.Only.Contains(s.Name)).ToList();
        var urls = new Dictionary<string, List<Uri>>();
        foreach (var service in services)
        {
            var replicas = Math.Max(1, Options.Replicas.GetValueOrDefault(service.Name, 1));
            urls[service.Name] = Enumerable.Range(0, replicas)
                .Select(i => new Uri($"http://127.0.0.1:{(Options.FixedPorts ? service.DefaultPort + (i * 10) : FreePort.Next())}"))
                .ToList();
        }

        foreach (var service in services)
        {
            var projectDirectory = Path.Combine(Options.RepositoryRoot, "services", service.Project);
            var assembly = Path.Combine(projectDirectory, "bin", Options.BuildConfiguration, "net10.0", service.AssemblyName + ".dll");
            for (var replica = 0; replica < urls[service.Name].Count; replica++)
            {
                var url = urls[service.Name][replica];
                var name = urls[service.Name].Count > 1 ? $"{service.Name}-{replica}" : service.Name;
                var environment = EnvironmentFor(service, url, urls);
                _starters[name] = () => ServiceProcess.Start(
                    name, assembly, projectDirectory, url, environment, Path.Combine(Options.DataFolder, "logs", name + ".log"), Options.Output);
                _processes.Add(_starters[name]());
            }
        }
    }

    /// <summary>The configuration contract of ARCHITECTURE.md, as the AppHost would set it.</summary>
    public Dictionary<string, string> EnvironmentFor(ServiceDefinition service, Uri url, IReadOnlyDictionary<string, List<Uri>> urls)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_URLS"] = url.ToString().TrimEnd('/'),
            ["ASPNETCORE_ENVIRONMENT"] = Options.Environment,
            ["DOTNET_ENVIRONMENT"] = Options.Environment,
            ["OTEL_SERVICE_NAME"] = service.Name,
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
            [$"ConnectionStrings__{PlatformTopology.Cache}"] = RedisConnectionString,
            ["Jwt__SigningKey"] = SigningKey,
        };
        if (service.Name == "gateway")
        {
            environment["Admin__Email"] = AdminEmail;
            environment["Admin__Password"] = AdminPassword;
        }

        foreach (var database in service.Databases)
        {
            environment[$"ConnectionStrings__{database}"] = DatabaseConnectionString(database);
        }

        foreach (var reference in service.References.Where(urls.ContainsKey))
        {
            var endpoints = urls[reference];
            for (var i = 0; i < endpoints.Count; i++)
            {
                environment[string.Create(CultureInfo.InvariantCulture, $"services__{reference}__http__{i}")] = endpoints[i].ToString().TrimEnd('/');
            }
        }

        foreach (var name in new[] { "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_HEADERS" })
        {
            if (System.Environment.GetEnvironmentVariable(name) is { Length: > 0 } value)
            {
                environment[name] = value;
            }
        }

        foreach (var (key, value) in Options.ExtraEnvironment)
        {
            environment[key] = value;
        }

        return environment;
    }

    private async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.StartupTimeout);
        foreach (var process in _processes)
        {
            while (true)
            {
                if (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"{process.Name} was not healthy within {Options.StartupTimeout.TotalSeconds:0} s.");
                }

                if (process.HasExited)
                {
                    throw new InvalidOperationException($"{process.Name} exited during start-up; see {Path.Combine(Options.DataFolder, "logs", process.Name + ".log")}.");
                }

                try
                {
                    using var response = await http.GetAsync(new Uri(process.Url, "/health"), timeout.Token);
                    if (response.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // A slow probe, or the start-up budget ran out (checked at the top).
                }

                await Task.Delay(100, cancellationToken);
            }
        }
    }

    /// <summary>PostgreSQL's main process (its backends are its children), when this platform started it.</summary>
    public int PostgresProcessId => _postgres is null
        ? throw new InvalidOperationException("PostgreSQL is not run by this platform.")
        : int.Parse(File.ReadLines(Path.Combine(_postgres.DataDirectory, "postmaster.pid")).First().Trim(), CultureInfo.InvariantCulture);

    public int RedisProcessId => _redis?.ProcessId ?? throw new InvalidOperationException("Redis is not run by this platform.");

    /// <summary>Kills one replica at once (SIGKILL, no drain), as a crash does.</summary>
    public void KillReplica(string name) => _processes.First(p => p.Name == name).Kill();

    /// <summary>Starts a replica again (after <see cref="KillReplica"/> or <see cref="StopServiceAsync"/>) with its old address and environment.</summary>
    public void RestartReplica(string name)
    {
        if (_processes.FirstOrDefault(p => p.Name == name) is { } old)
        {
            _processes.Remove(old);
            _ = old.DisposeAsync().AsTask();
        }

        _processes.Add(_starters[name]());
    }

    /// <summary>Crashes Redis (SIGKILL) and starts it again on the same port.</summary>
    public async Task CrashRedisAsync(CancellationToken cancellationToken)
    {
        var redis = _redis ?? throw new InvalidOperationException("Redis is not run by this platform.");
        System.Diagnostics.Process.GetProcessById(redis.ProcessId).Kill();
        await redis.DisposeAsync();
        _redis = null;
    }

    public async Task StartRedisAgainAsync(int port, CancellationToken cancellationToken) =>
        _redis = await LocalRedis.StartAsync(Path.Combine(Options.DataFolder, "redis"), port, Options.Persistent, cancellationToken);

    public int RedisPort => _redis?.Port ?? throw new InvalidOperationException("Redis is not running.");

    /// <summary>Crashes PostgreSQL (immediate shutdown: no checkpoint, recovery on the next start).</summary>
    public Task CrashPostgresAsync(CancellationToken cancellationToken) =>
        (_postgres ?? throw new InvalidOperationException("PostgreSQL is not run by this platform.")).StopAsync(immediate: true);

    public async Task StartPostgresAgainAsync(CancellationToken cancellationToken)
    {
        var postgres = _postgres ?? throw new InvalidOperationException("PostgreSQL is not run by this platform.");
        _postgres = await LocalPostgres.StartAsync(Path.Combine(Options.DataFolder, "postgres"), postgres.Port, ephemeral: !Options.Persistent, cancellationToken);
    }

    /// <summary>Stops one service's replicas (to test what happens when a dependency dies).</summary>
    public async Task StopServiceAsync(string name)
    {
        foreach (var process in _processes.Where(p => p.Name == name || p.Name.StartsWith(name + "-", StringComparison.Ordinal)).ToList())
        {
            await process.DisposeAsync();
            _processes.Remove(process);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Reverse order: the gateway first, databases last, so nothing logs errors about its dependencies.
        foreach (var process in Enumerable.Reverse(_processes).ToList())
        {
            await process.DisposeAsync();
        }

        _processes.Clear();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}
