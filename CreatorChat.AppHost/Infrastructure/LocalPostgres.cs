using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace CreatorChat.AppHost.Infrastructure;

/// <summary>PostgreSQL from this machine's binaries (Debian's <c>/usr/lib/postgresql/N/bin</c>), as an Aspire executable.</summary>
internal sealed class LocalPostgresResource(string name, string command, string workingDirectory, ParameterResource password, int port)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public ParameterResource Password { get; } = password;

    public int Port { get; } = port;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Host=127.0.0.1;Port={LocalData.Port(Port)};Username=postgres;Password={Password}");
}

/// <summary>One database of the local server; the AppHost creates it once the server is healthy.</summary>
internal sealed class LocalPostgresDatabaseResource(string name, LocalPostgresResource parent)
    : Resource(name), IResourceWithParent<LocalPostgresResource>, IResourceWithConnectionString
{
    public LocalPostgresResource Parent { get; } = parent;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parent};Database={Name}");
}

internal static class LocalPostgres
{
    private const string ServerUser = "postgres";

    // Postgres treats SIGTERM as a "smart" shutdown that waits for every client to leave; the AppHost's stop must
    // finish in seconds, so this wrapper turns SIGTERM/SIGINT into a fast shutdown (SIGINT) and exits with the server.
    private const string FastShutdown =
        """trap 'kill -INT "$pid" 2>/dev/null' TERM INT; "$@" & pid=$!; wait "$pid"; status=$?; if kill -0 "$pid" 2>/dev/null; then wait "$pid"; status=$?; fi; exit $status""";

    public static IResourceBuilder<LocalPostgresResource> AddLocalPostgres(this IDistributedApplicationBuilder builder, string name, LocalData data)
    {
        var bin = data.PostgresBin is { } configured
            ? File.Exists(Path.Combine(configured, "postgres")) && File.Exists(Path.Combine(configured, "initdb"))
                ? configured
                : throw new PlatformStartupException(
                    $"Infrastructure:PostgresBin is '{configured}', which holds no postgres and initdb: point it at PostgreSQL's bin folder, " +
                    "or leave it unset to use /usr/lib/postgresql/<version>/bin.")
            : FindBinaries() ?? throw new PlatformStartupException(
                "PostgreSQL is not installed (no /usr/lib/postgresql/<version>/bin/postgres): run scripts/install-prerequisites.sh " +
                "(./run.sh does it), set Infrastructure:PostgresBin to its bin folder, or use Infrastructure__Mode=existing with your own server.");
        var folder = Path.Combine(data.Folder, "postgres");
        var pgdata = Path.Combine(folder, "pgdata");
        var password = LocalData.ReadOrCreateSecret(Path.Combine(folder, "postgres.password"));

        string[] server =
        [
            "sh", "-c", FastShutdown, "postgres", Path.Combine(bin, "postgres"), "-D", pgdata, "-p", LocalData.Port(data.PostgresPort),
            "-k", folder, "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300",
            // Throwaway data: a process crash loses nothing without fsync (the kernel keeps the WAL), but commits stay
            // synchronous, since asynchronous ones are forgotten by a crashed server after they were acknowledged.
            .. data.Ephemeral ? new[] { "-c", "fsync=off", "-c", "full_page_writes=off" } : [],
        ];
        var (command, arguments) = AsServerUser(server);
        var resource = new LocalPostgresResource(name, command, folder, builder.AddParameter($"{name}-password", password, secret: true).Resource, data.PostgresPort);

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(resource, (_, cancellationToken) => InitializeAsync(bin, folder, pgdata, cancellationToken));

        var healthCheck = $"{name}-ready";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(healthCheck, _ => new PostgresReadyCheck(resource), null, null));

        return builder.AddResource(resource)
            .WithArgs(arguments)
            .WithHealthCheck(healthCheck)
            .ExcludeFromManifest();
    }

    public static IResourceBuilder<LocalPostgresDatabaseResource> AddDatabase(this IResourceBuilder<LocalPostgresResource> server, string name)
    {
        var database = new LocalPostgresDatabaseResource(name, server.Resource);
        server.ApplicationBuilder.Eventing.Subscribe<ResourceReadyEvent>(server.Resource, async (e, cancellationToken) =>
        {
            await CreateDatabaseAsync(database, cancellationToken);
            await e.Services.GetRequiredService<ResourceNotificationService>()
                .PublishUpdateAsync(database, s => s with { State = KnownResourceStates.Running });
        });
        return server.ApplicationBuilder.AddResource(database)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresDatabase",
                State = KnownResourceStates.Waiting,
                Properties = [new("postgres.database", name)],
            })
            .ExcludeFromManifest();
    }

    private static async Task CreateDatabaseAsync(LocalPostgresDatabaseResource database, CancellationToken cancellationToken)
    {
        var server = await database.Parent.ConnectionStringExpression.GetValueAsync(cancellationToken);
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres" }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", database.Name);
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            // Identifiers cannot be parameters; the name is one of the AppHost's own resource names.
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Name}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>initdb on first start (as the <c>postgres</c> user when the AppHost runs as root: Postgres refuses root).</summary>
    private static async Task InitializeAsync(string bin, string folder, string pgdata, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        if (IsRoot)
        {
            await RunAsync("chown", ["-R", $"{ServerUser}:{ServerUser}", folder], cancellationToken);
        }

        if (File.Exists(Path.Combine(pgdata, "PG_VERSION")))
        {
            return;
        }

        var (command, arguments) = AsServerUser(
        [
            Path.Combine(bin, "initdb"), "-D", pgdata, "-U", ServerUser, "--pwfile", Path.Combine(folder, "postgres.password"),
            "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--no-instructions",
        ]);
        await RunAsync(command, arguments, cancellationToken);
    }

    private static bool IsRoot => Environment.UserName == "root";

    // setpriv execs the command as the server user (no supervising parent, unlike runuser), so stop signals reach it.
    private static (string Command, string[] Arguments) AsServerUser(string[] commandLine) =>
        IsRoot
            ? ("setpriv", ["--reuid", ServerUser, "--regid", ServerUser, "--init-groups", "--", .. commandLine])
            : (commandLine[0], commandLine[1..]);

    private static async Task RunAsync(string command, string[] arguments, CancellationToken cancellationToken)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new PlatformStartupException($"Could not start {command}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new PlatformStartupException(
                $"'{command} {string.Join(' ', arguments)}' exited with {process.ExitCode}: {(await errors).Trim()} {(await output).Trim()}");
        }
    }

    private static string? FindBinaries()
    {
        const string root = "/usr/lib/postgresql";
        return Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Where(d => File.Exists(Path.Combine(d, "bin", "postgres")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var version) ? version : 0)
                .Select(d => Path.Combine(d, "bin"))
                .FirstOrDefault()
            : null;
    }

    private sealed class PostgresReadyCheck(LocalPostgresResource server) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var connectionString = new NpgsqlConnectionStringBuilder(await server.ConnectionStringExpression.GetValueAsync(cancellationToken))
                {
                    Database = "postgres", Pooling = false, Timeout = 3,
                }.ConnectionString;
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(cancellationToken);
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy(ex.Message);
            }
        }
    }
}
