using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CreatorChat.Testing;
using Xunit;
using Xunit.Abstractions;

namespace CreatorChat.AppHost.Tests;

/// <summary>
/// The AppHost as <c>./run.sh</c> runs it, a process of its own: it refuses a start that cannot work with a message and
/// exit code 1 instead of hanging, and Ctrl+C stops everything it started, Postgres cleanly, leaving nothing behind.
/// (How long the stop takes is measured by <c>scripts/measure-run.sh</c>, not asserted here.)
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class LocalRunTests(ITestOutputHelper output)
{
    private static readonly TimeSpan FailFast = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_port_in_use_is_named_with_how_to_find_its_owner_and_nothing_starts()
    {
        using var holder = new TcpListener(IPAddress.Loopback, FreePort.OutsideEphemeralRange());
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;

        await using var appHost = AppHostProcess.Start($"Infrastructure:PostgresPort={port}");
        using var timeout = new CancellationTokenSource(FailFast);

        Assert.Equal(1, await appHost.WaitForExitAsync(timeout.Token));
        Assert.Contains($"CreatorChat cannot start: port {port} (for postgres) is already in use", appHost.Output);
        Assert.Contains($"ss -ltnp 'sport = :{port}'", appHost.Output);
        Assert.False(Directory.Exists(Path.Combine(appHost.DataFolder, "postgres", "pgdata")), "nothing may start before the check");
    }

    [Theory]
    [InlineData("Infrastructure:PostgresBin", "/nonexistent/postgresql/bin", "holds no postgres and initdb")]
    [InlineData("Infrastructure:RedisServer", "/nonexistent/redis-server", "does not exist")]
    public async Task A_missing_server_binary_is_named_with_what_to_do(string setting, string path, string problem)
    {
        await using var appHost = AppHostProcess.Start($"{setting}={path}");
        using var timeout = new CancellationTokenSource(FailFast);

        Assert.Equal(1, await appHost.WaitForExitAsync(timeout.Token));
        Assert.Contains($"CreatorChat cannot start: {setting} is '{path}', which {problem}", appHost.Output);
    }

    [Fact]
    public async Task A_database_that_will_not_start_ends_the_run_with_its_last_log_lines_and_exit_code_1()
    {
        await using var appHost = AppHostProcess.Start("Demo:Seed=false", "Replicas:chat=1", "Replicas:retrieval=1");
        // A data folder that claims to be a cluster but is not one: postgres exits at once.
        var pgdata = Path.Combine(appHost.DataFolder, "postgres", "pgdata");
        Directory.CreateDirectory(pgdata);
        await File.WriteAllTextAsync(Path.Combine(pgdata, "PG_VERSION"), "15\n");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        var exitCode = await appHost.WaitForExitAsync(timeout.Token);
        output.WriteLine(appHost.Output);

        Assert.Equal(1, exitCode);
        Assert.Contains("CreatorChat cannot start: postgres stopped before it was ready", appHost.Output);
        Assert.Contains("Last lines of postgres's log", appHost.Output);
    }

    [Fact]
    public async Task Ctrl_c_stops_every_process_the_run_started_postgres_cleanly_and_leaves_nothing_behind()
    {
        await using var appHost = AppHostProcess.Start("DcpPublisher:RandomizePorts=true", "Replicas:chat=1", "Replicas:retrieval=1");
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var gateway = await appHost.WaitForBannerAsync(startup.Token);

        using (var http = new HttpClient { BaseAddress = new Uri(gateway), Timeout = TimeSpan.FromSeconds(30) })
        {
            var creators = await http.GetStringAsync(new Uri("/api/v1/creators", UriKind.Relative), startup.Token);
            Assert.Contains("kitchen-lab", creators, StringComparison.Ordinal);
        }

        var tree = appHost.ProcessTree();
        foreach (var expected in new[] { "dcp start-apiserver", "bin/postgres", "redis-server", "CreatorChat.Gateway", "CreatorChat.Chat", "CreatorChat.Retrieval", "CreatorChat.Creator", "Aspire.Dashboard" })
        {
            Assert.Contains(tree, p => p.Command.Contains(expected, StringComparison.Ordinal));
        }

        var stopping = Stopwatch.StartNew();
        appHost.Signal("INT");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        int exitCode;
        try
        {
            exitCode = await appHost.WaitForExitAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
            // What was still stopping, and why, is in the AppHost's log.
            output.WriteLine(appHost.Output);
            throw;
        }

        Assert.Equal(0, exitCode);
        var apphostExited = stopping.Elapsed;
        while (tree.Any(p => LinuxProcess.IsAlive(p.Pid)) && !stop.IsCancellationRequested)
        {
            await Task.Delay(100, CancellationToken.None);
        }

        output.WriteLine($"{tree.Count} processes; the AppHost exited {apphostExited.TotalSeconds:0.0} s after SIGINT, the last process {stopping.Elapsed.TotalSeconds:0.0} s after");
        Assert.Empty(tree.Where(p => LinuxProcess.IsAlive(p.Pid)).Select(p => $"{p.Pid} {p.Command}"));
        Assert.Contains("Database cluster state:               shut down", await ControlDataAsync(Path.Combine(appHost.DataFolder, "postgres", "pgdata")));
    }

    /// <summary><c>pg_controldata</c>: a cluster stopped cleanly says "shut down", one killed says "in production".</summary>
    private static async Task<string> ControlDataAsync(string pgdata)
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", "pg_controldata")).First(File.Exists);
        var start = new ProcessStartInfo(bin) { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(pgdata);
        using var process = Process.Start(start)!;
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return text;
    }
}

/// <summary>Tests that start a whole platform run one at a time: two at once would only measure the 2-core machine.</summary>
[CollectionDefinition(Name)]
public sealed class PlatformCollection
{
    public const string Name = "platform";
}
