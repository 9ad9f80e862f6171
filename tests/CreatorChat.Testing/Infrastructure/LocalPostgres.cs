using System.Security.Cryptography;
using Npgsql;

namespace CreatorChat.Testing;

/// <summary>
/// A throwaway PostgreSQL server from the Debian packages, living entirely in one folder and
/// listening only on loopback. Re-using the folder re-uses the data.
/// </summary>
public sealed class LocalPostgres : IAsyncDisposable
{
    private const string SuperUser = "postgres";

    private LocalPostgres(string dataDirectory, int port, string password)
    {
        DataDirectory = dataDirectory;
        Port = port;
        Password = password;
    }

    public string DataDirectory { get; }
    public int Port { get; }
    public string Password { get; }

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = Port, Username = SuperUser, Password = Password, Database = database,
        }.ConnectionString;

    /// <param name="ephemeral">
    /// Tests: no fsync and no full-page writes (only a machine crash loses what the kernel holds). Commits stay
    /// synchronous: with <c>synchronous_commit=off</c> a crashed server forgets commits it already acknowledged.
    /// </param>
    public static async Task<LocalPostgres> StartAsync(string folder, int port, bool ephemeral, CancellationToken cancellationToken)
    {
        var bin = BinDirectory();
        var dataDirectory = Path.Combine(folder, "pgdata");
        var passwordFile = Path.Combine(folder, "postgres.password");
        Directory.CreateDirectory(folder);

        if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            await File.WriteAllTextAsync(passwordFile, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant(), cancellationToken);
            Directory.CreateDirectory(dataDirectory);
            await GiveToServerUserAsync(folder, cancellationToken);
            await RunAsServerUserAsync(Path.Combine(bin, "initdb"),
                ["-D", dataDirectory, "-U", SuperUser, "--pwfile", passwordFile, "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--no-instructions"],
                cancellationToken);
        }

        var password = (await File.ReadAllTextAsync(passwordFile, cancellationToken)).Trim();
        var options = $"-p {port} -k {dataDirectory} -c listen_addresses=127.0.0.1 -c max_connections=300";
        if (ephemeral)
        {
            options += " -c fsync=off -c full_page_writes=off";
        }

        await RunAsServerUserAsync(Path.Combine(bin, "pg_ctl"),
            ["-D", dataDirectory, "-o", options, "-l", Path.Combine(folder, "postgres.log"), "-w", "-t", "60", "start"],
            cancellationToken);
        return new LocalPostgres(dataDirectory, port, password);
    }

    /// <param name="immediate">A crash: no checkpoint, clients cut off, recovery at the next start.</param>
    public async Task StopAsync(bool immediate = false)
    {
        await RunAsServerUserAsync(Path.Combine(BinDirectory(), "pg_ctl"), ["-D", DataDirectory, "-m", immediate ? "immediate" : "fast", "-w", "stop"], CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }
    }

    public static string BinDirectory()
    {
        const string root = "/usr/lib/postgresql";
        var versions = Directory.Exists(root)
            ? Directory.GetDirectories(root).Where(d => File.Exists(Path.Combine(d, "bin", "pg_ctl"))).OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0).ToList()
            : [];
        return versions.Count > 0
            ? Path.Combine(versions[0], "bin")
            : throw new InvalidOperationException("PostgreSQL is not installed: run 'apt-get install postgresql' (./run.sh and ./test.sh do it for you).");
    }

    // PostgreSQL refuses to run as root, so as root the server runs as the 'postgres' system user.
    private static bool IsRoot => Environment.UserName == "root";

    private static Task RunAsServerUserAsync(string command, string[] arguments, CancellationToken cancellationToken) =>
        IsRoot
            ? ProcessRunner.RunAsync("runuser", ["-u", SuperUser, "--", command, .. arguments], cancellationToken)
            : ProcessRunner.RunAsync(command, arguments, cancellationToken);

    private static async Task GiveToServerUserAsync(string folder, CancellationToken cancellationToken)
    {
        if (IsRoot)
        {
            await ProcessRunner.RunAsync("chown", ["-R", $"{SuperUser}:{SuperUser}", folder], cancellationToken);
        }
    }
}
