// Over 300 lines on purpose: starting, scaling and stopping the whole platform through the AppHost is one lifecycle with shared state.
using System.Collections.Concurrent;
using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CreatorChat.Testing;

/// <summary>
/// The whole platform as the AppHost declares it (CreatorChat.AppHost, through Aspire.Hosting.Testing): Postgres and
/// Redis as local processes with throwaway data, every service a real process, all on free loopback ports.
/// One per test assembly (a collection fixture); <see cref="Processes"/> gives each replica's process for fault injection.
/// </summary>
public sealed class AspirePlatform : IAsyncDisposable
{
    private readonly DistributedApplication _app;
    private readonly string? _dataFolder;
    private readonly IReadOnlyDictionary<string, string> _databases;
    private readonly ConcurrentDictionary<string, ResourceEvent> _latest = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _watching = new();
    private readonly Task _watcher;

    private AspirePlatform(DistributedApplication app, AspirePlatformOptions options, string? dataFolder, IReadOnlyDictionary<string, string> databases, string signingKey)
    {
        _app = app;
        _dataFolder = dataFolder;
        _databases = databases;
        Options = options;
        SigningKey = signingKey;
        _watcher = Task.Run(async () =>
        {
            try
            {
                var logs = app.Services.GetRequiredService<ResourceLoggerService>();
                await foreach (var update in app.ResourceNotifications.WatchAsync(_watching.Token))
                {
                    if (_latest.TryAdd(update.ResourceId, update))
                    {
                        _ = KeepLogAsync(logs, update.ResourceId, _watching.Token);
                    }

                    _latest[update.ResourceId] = update;
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    public AspirePlatformOptions Options { get; }

    /// <summary>The running application, for anything this facade does not cover (resource commands, logs, connection strings).</summary>
    public DistributedApplication App => _app;

    public string SigningKey { get; }

    /// <summary>Where the AppHost keeps the local Postgres and Redis data (null with existing servers); deleted at dispose.</summary>
    public string? DataFolder => _dataFolder;

    public string AdminEmail => Options.AdminEmail;

    public string AdminPassword => Options.AdminPassword;

    /// <summary>A superuser connection string of the Postgres server (no database).</summary>
    public string PostgresConnectionString { get; private set; } = "";

    public string RedisConnectionString { get; private set; } = "";

    public Uri GatewayUrl => Url("gateway");

    /// <summary>A service's address as its callers get it (DCP's proxy in front of the replicas when there are several).</summary>
    public Uri Url(string service) => _app.GetEndpoint(service, "http");

    /// <summary>The connection string a service gets for its database (creatordb, chatdb, retrievaldb, identitydb).</summary>
    public string DatabaseConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(PostgresConnectionString) { Database = _databases.GetValueOrDefault(database, database) }.ConnectionString;

    /// <summary>Every running service replica: its name (<c>chat-0</c>, or <c>gateway</c> when alone), process id and own address.</summary>
    public IReadOnlyList<PlatformProcess> Processes =>
        _app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ProjectResource>()
            .SelectMany(Replicas)
            .Where(p => p.State == KnownResourceStates.Running)
            .ToList();

    public static async Task<AspirePlatform> StartAsync(AspirePlatformOptions options, CancellationToken cancellationToken)
    {
        // Free ports are picked before the processes bind them, by us and by DCP alike, while other test assemblies do
        // the same: once in a while two picks meet. A start lost to that is tried once more, on fresh ports.
        try
        {
            return await StartOnceAsync(options, cancellationToken);
        }
        catch (PortTakenException taken)
        {
            Console.Error.WriteLine($"The platform lost a port to another process ({taken.Message}); starting it again on fresh ports.");
            return await StartOnceAsync(options, cancellationToken);
        }
    }

    private static async Task<AspirePlatform> StartOnceAsync(AspirePlatformOptions options, CancellationToken cancellationToken)
    {
        var dataFolder = options.ExistingPostgres is null || options.ExistingRedis is null
            ? Path.Combine(Path.GetTempPath(), "creatorchat-platform", Guid.NewGuid().ToString("N")[..12])
            : null;
        var signingKey = "platform-tests-" + Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");
        var databases = new Dictionary<string, string>(StringComparer.Ordinal);
        var arguments = new List<string>
        {
            "DOTNET_LAUNCH_PROFILE=http",
            "Demo:Seed=false",
            $"Parameters:jwt-signing-key={signingKey}",
            $"Parameters:admin-email={options.AdminEmail}",
            $"Parameters:admin-password={options.AdminPassword}",
            $"Infrastructure:StartupTimeout={options.StartupTimeout}",
        };
        if (options.ExistingPostgres is { } postgres && options.ExistingRedis is { } redis)
        {
            // Existing servers are shared: each platform gets databases of its own.
            arguments.Add("Infrastructure:Mode=existing");
            foreach (var database in new[] { "creatordb", "chatdb", "retrievaldb", "identitydb" })
            {
                databases[database] = $"{database}_{Guid.NewGuid():N}"[..24];
                arguments.Add($"ConnectionStrings:{database}={new NpgsqlConnectionStringBuilder(postgres) { Database = databases[database] }}");
            }

            arguments.Add($"ConnectionStrings:cache={redis}");
        }
        else
        {
            arguments.AddRange(
            [
                "Infrastructure:Mode=local", $"Infrastructure:DataFolder={dataFolder}", "Infrastructure:Ephemeral=true",
                $"Infrastructure:PostgresPort={FreePort.OutsideEphemeralRange()}", $"Infrastructure:RedisPort={FreePort.OutsideEphemeralRange()}",
            ]);
        }

        foreach (var (service, replicas) in options.Replicas)
        {
            arguments.Add(string.Create(CultureInfo.InvariantCulture, $"Replicas:{service}={replicas}"));
        }

        var builder = await DistributedApplicationTestingBuilder.CreateAsync(
            typeof(CreatorChat.AppHost.PlatformStartupException), [.. arguments], cancellationToken);
        foreach (var project in builder.Resources.OfType<ProjectResource>().ToList())
        {
            var service = builder.CreateResourceBuilder(project)
                .WithEnvironment("ASPNETCORE_ENVIRONMENT", options.Environment)
                .WithEnvironment("DOTNET_ENVIRONMENT", options.Environment)
                .WithEnvironment("Logging__Console__FormatterName", "simple")
                .WithEnvironment("Logging__Console__FormatterOptions__SingleLine", "true");
            service = options.OtlpEndpoint is { } otlp
                ? service.WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", otlp.ToString().TrimEnd('/'))
                    .WithEnvironment("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
                    .WithEnvironment("OTEL_BSP_SCHEDULE_DELAY", "200")
                : service.WithEnvironment("OTEL_EXPORTER_OTLP_ENDPOINT", "");
            foreach (var (key, value) in options.ExtraEnvironment)
            {
                service.WithEnvironment(key, value);
            }

            // A single replica listens on its own free port, without DCP's proxy in front: a stopped service then refuses
            // connections at once, as a Kubernetes Service without endpoints does, instead of a proxy holding them open.
            if ((project.Annotations.OfType<ReplicaAnnotation>().LastOrDefault()?.Replicas ?? 1) == 1)
            {
                service.WithEndpoint("http", endpoint =>
                {
                    endpoint.Port = endpoint.TargetPort = FreePort.OutsideEphemeralRange();
                    endpoint.IsProxied = false;
                });
            }

            if (options.Only is { } only && !only.Contains(project.Name))
            {
                service.WithExplicitStart();
            }
        }

        var app = await builder.BuildAsync(cancellationToken);
        var platform = new AspirePlatform(app, options, dataFolder, databases, signingKey);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.StartupTimeout);
            await app.StartAsync(timeout.Token);
            var services = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ProjectResource>()
                .Where(p => options.Only is null || options.Only.Contains(p.Name));
            foreach (var service in services)
            {
                await app.ResourceNotifications.WaitForResourceHealthyAsync(service.Name, WaitBehavior.StopOnResourceUnavailable, timeout.Token);
            }

            var server = await app.GetConnectionStringAsync(databases.Count == 0 ? "postgres" : "creatordb", timeout.Token);
            platform.PostgresConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = null }.ConnectionString;
            platform.RedisConnectionString = (await app.GetConnectionStringAsync("cache", timeout.Token))!;
            return platform;
        }
        catch (Exception failure)
        {
            var taken = platform.PortTakenIn();
            await platform.DisposeAsync();
            if (taken is not null)
            {
                throw new PortTakenException(taken, failure);
            }

            throw;
        }
    }

    /// <summary>The first log line of a resource that could not bind its port, if one could not.</summary>
    private string? PortTakenIn()
    {
        if (!Directory.Exists(LogFolder))
        {
            return null;
        }

        foreach (var path in Directory.EnumerateFiles(LogFolder, "*.log"))
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (line.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
                {
                    return $"{Path.GetFileNameWithoutExtension(path)}: {line.Trim()}";
                }
            }
        }

        return null;
    }

    private sealed class PortTakenException(string message, Exception inner) : Exception(message, inner);

    /// <summary>Stops every replica of a service (to test what happens when a dependency is down).</summary>
    public async Task StopServiceAsync(string name)
    {
        var commands = _app.Services.GetRequiredService<ResourceCommandService>();
        foreach (var replica in Replicas(Resource(name)).Where(r => r.State == KnownResourceStates.Running))
        {
            var result = await commands.ExecuteCommandAsync(replica.ResourceId, KnownResourceCommands.StopCommand);
            if (!result.Success)
            {
                throw new InvalidOperationException($"Stopping {replica.Name} failed: {result.Message}");
            }
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (Replicas(Resource(name)).Any(r => r.State == KnownResourceStates.Running))
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    /// <summary>Stops one replica the way an orchestrator scales it in (DCP's stop: a signal, then its own graceful shutdown); waits until it has.</summary>
    public async Task StopReplicaAsync(PlatformProcess replica)
    {
        var commands = _app.Services.GetRequiredService<ResourceCommandService>();
        var result = await commands.ExecuteCommandAsync(replica.ResourceId, KnownResourceCommands.StopCommand);
        if (!result.Success)
        {
            throw new InvalidOperationException($"Stopping {replica.Name} failed: {result.Message}");
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (Replicas(Resource(replica.Service)).Single(r => r.ResourceId == replica.ResourceId).State == KnownResourceStates.Running)
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    /// <summary>Starts a replica again (after a test stopped or killed it), as an orchestrator would, and waits until it is healthy.</summary>
    public async Task<PlatformProcess> RestartAsync(PlatformProcess replica)
    {
        var commands = _app.Services.GetRequiredService<ResourceCommandService>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        // DCP notices a killed process within a moment; start only once it has.
        while (Replicas(Resource(replica.Service)).Single(r => r.ResourceId == replica.ResourceId).State == KnownResourceStates.Running
               && LinuxProcess.IsAlive(replica.Id))
        {
            await Task.Delay(50, timeout.Token);
        }

        while (Replicas(Resource(replica.Service)).Single(r => r.ResourceId == replica.ResourceId).State == KnownResourceStates.Running)
        {
            await Task.Delay(50, timeout.Token);
        }

        var result = await commands.ExecuteCommandAsync(replica.ResourceId, KnownResourceCommands.StartCommand, timeout.Token);
        if (!result.Success)
        {
            throw new InvalidOperationException($"Starting {replica.Name} failed: {result.Message}");
        }

        while (true)
        {
            var now = Replicas(Resource(replica.Service)).Single(r => r.ResourceId == replica.ResourceId);
            if (now.State == KnownResourceStates.Running && now.Healthy && now.Id != replica.Id)
            {
                return now;
            }

            await Task.Delay(50, timeout.Token);
        }
    }

    /// <summary>The process id of a resource that is one process, such as the local <c>postgres</c> or <c>cache</c> (0 when it has none).</summary>
    public int ResourceProcessId(string name)
    {
        var snapshot = _latest.Values.Where(e => e.Resource.Name == name).Select(e => e.Snapshot).FirstOrDefault()
            ?? throw new ArgumentException($"The platform has no resource named '{name}'.", nameof(name));
        var pid = snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value;
        return pid is null ? 0 : Convert.ToInt32(pid, CultureInfo.InvariantCulture);
    }

    /// <summary>Starts a resource again after it was killed (DCP sees it exit first), and waits until it runs.</summary>
    public async Task RestartResourceAsync(string name, CancellationToken cancellationToken)
    {
        var commands = _app.Services.GetRequiredService<ResourceCommandService>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var resourceId = _latest.Values.First(e => e.Resource.Name == name).ResourceId;
        while (_latest[resourceId].Snapshot.State?.Text == KnownResourceStates.Running)
        {
            await Task.Delay(50, timeout.Token);
        }

        var result = await commands.ExecuteCommandAsync(resourceId, KnownResourceCommands.StartCommand, timeout.Token);
        if (!result.Success)
        {
            throw new InvalidOperationException($"Starting {name} failed: {result.Message}");
        }

        while (_latest[resourceId].Snapshot.State?.Text != KnownResourceStates.Running)
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    /// <summary>Every resource's console output, kept after the run: <c>$TMPDIR/creatorchat-platform-logs/&lt;run&gt;/&lt;replica&gt;.log</c>.</summary>
    public string LogFolder { get; } = Path.Combine(Path.GetTempPath(), "creatorchat-platform-logs", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6]);

    private async Task KeepLogAsync(ResourceLoggerService logs, string resourceId, CancellationToken cancellationToken)
    {
        try
        {
            Directory.CreateDirectory(LogFolder);
            await using var file = new StreamWriter(Path.Combine(LogFolder, resourceId + ".log"), append: true) { AutoFlush = true };
            await foreach (var batch in logs.WatchAsync(resourceId).WithCancellation(cancellationToken))
            {
                foreach (var line in batch)
                {
                    await file.WriteLineAsync(line.Content);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The platform is stopping, or the disk is full: the log is a convenience.
        }
    }

    private IResource Resource(string name) =>
        _app.Services.GetRequiredService<DistributedApplicationModel>().Resources.SingleOrDefault(r => r.Name == name)
        ?? throw new ArgumentException($"The platform has no service named '{name}'.", nameof(name));

    private IEnumerable<PlatformProcess> Replicas(IResource resource)
    {
        var replicas = _latest.Values.Where(e => e.Resource.Name == resource.Name).OrderBy(e => e.ResourceId, StringComparer.Ordinal).ToList();
        for (var i = 0; i < replicas.Count; i++)
        {
            var snapshot = replicas[i].Snapshot;
            // The service's own process: the AppHost starts each replica as its built executable (ServiceBuildOutput).
            var pid = snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } id ? Convert.ToInt32(id, CultureInfo.InvariantCulture) : 0;
            var url = snapshot.EnvironmentVariables.FirstOrDefault(v => v.Name == "ASPNETCORE_URLS")?.Value?.Split(';')[0];
            yield return new PlatformProcess(
                replicas.Count > 1 ? $"{resource.Name}-{i}" : resource.Name,
                resource.Name,
                replicas[i].ResourceId,
                pid,
                url is null ? Url(resource.Name) : new Uri(url.Replace("localhost", "127.0.0.1", StringComparison.Ordinal)),
                snapshot.State?.Text,
                snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            try
            {
                await _app.StopAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                // Disposing below kills what is left.
            }
        }

        await _app.DisposeAsync();
        await _watching.CancelAsync();
        await _watcher;
        _watching.Dispose();
        TemporaryFolder.DeleteQuietly(_dataFolder);
    }
}

/// <summary>One running replica of a service.</summary>
/// <param name="Name">The service's name, with <c>-N</c> when it has several replicas.</param>
/// <param name="Service">The service (Aspire resource) name.</param>
/// <param name="ResourceId">DCP's name for this replica (for resource commands).</param>
/// <param name="Id">The service's own process id (kill it to inject a crash).</param>
/// <param name="Url">This replica's own address, not the proxy's.</param>
public sealed record PlatformProcess(string Name, string Service, string ResourceId, int Id, Uri Url, string? State, bool Healthy);
