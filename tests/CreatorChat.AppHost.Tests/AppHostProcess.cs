using System.Diagnostics;
using System.Globalization;
using System.Text;
using CreatorChat.Testing;

namespace CreatorChat.AppHost.Tests;

/// <summary>
/// The built AppHost started as its own process, as <c>./run.sh</c> starts it (not through Aspire.Hosting.Testing):
/// what it prints, how it exits, and every process it starts, found through <c>/proc</c>. The dashboard's ports are
/// free ones and the data folder is the test's, so a developer's own <c>./run.sh</c> is never disturbed.
/// </summary>
internal sealed class AppHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _banner = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AppHostProcess(Process process, string dataFolder)
    {
        _process = process;
        DataFolder = dataFolder;
    }

    public string DataFolder { get; }

    public int Id => _process.Id;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static AppHostProcess Start(params string[] settings)
    {
        var dataFolder = Path.Combine(Path.GetTempPath(), $"creatorchat-apphost-{Guid.NewGuid():N}"[..32]);
        // Through env(1), which then execs the AppHost (same pid), with SIGINT's default handling as a terminal gives it:
        // a test run started in the background by a shell without job control (a CI script, `./test.sh &`) passes SIGINT
        // on as ignored, and .NET never handles a signal its process inherited as ignored, so Ctrl+C would do nothing.
        var start = new ProcessStartInfo("/usr/bin/env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(Executable)!,
        };
        start.ArgumentList.Add("--default-signal=INT");
        start.ArgumentList.Add(Executable);
        // What the "http" launch profile sets, on free ports.
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort.OutsideEphemeralRange()}";
        start.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort.OutsideEphemeralRange()}";
        start.Environment["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort.OutsideEphemeralRange()}";
        start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        foreach (var argument in (string[])
        [
            "Infrastructure:Mode=local", $"Infrastructure:DataFolder={dataFolder}", "Infrastructure:Ephemeral=true",
            $"Infrastructure:PostgresPort={FreePort.OutsideEphemeralRange()}", $"Infrastructure:RedisPort={FreePort.OutsideEphemeralRange()}",
            "Parameters:jwt-signing-key=" + new string('k', 64), "Parameters:admin-password=apphost-test-admin-1",
            "Parameters:demo-password=apphost-test-demo-1", .. settings,
        ])
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var host = new AppHostProcess(process, dataFolder);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>The gateway URL from the banner the AppHost prints once the demo creator is seeded.</summary>
    public Task<string> WaitForBannerAsync(CancellationToken cancellationToken) => _banner.Task.WaitAsync(cancellationToken);

    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        return _process.ExitCode;
    }

    /// <summary>This process, everything below it, and DCP's API server with everything below that (DCP detaches it).</summary>
    public IReadOnlyList<(int Pid, string Command)> ProcessTree()
    {
        var roots = new List<int> { _process.Id };
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && CommandLine(pid) is { } command
                && command.Contains($"start-apiserver --monitor {_process.Id} ", StringComparison.Ordinal))
            {
                roots.Add(pid);
            }
        }

        var tree = new List<(int, string)>();
        var pending = new Queue<int>(roots);
        while (pending.TryDequeue(out var pid))
        {
            if (CommandLine(pid) is not { } command)
            {
                continue;
            }

            tree.Add((pid, command));
            foreach (var child in Children(pid))
            {
                pending.Enqueue(child);
            }
        }

        return tree;
    }

    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // A failed test must not leave a platform behind.
            var left = ProcessTree();
            _process.Kill(entireProcessTree: true);
            foreach (var (pid, _) in left)
            {
                try
                {
                    Process.GetProcessById(pid).Kill();
                }
                catch (ArgumentException)
                {
                }
                catch (InvalidOperationException)
                {
                }
            }

            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        TemporaryFolder.DeleteQuietly(DataFolder);
    }

    private static string Executable
    {
        get
        {
            var path = Projects.CreatorChat_AppHost.ProjectPath;
            var project = path.EndsWith(".csproj", StringComparison.Ordinal) ? Path.GetDirectoryName(path)! : path;
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                ? "Release"
                : "Debug";
            return Path.Combine(project, "bin", configuration, "net10.0", "CreatorChat.AppHost");
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        const string gateway = "Gateway:";
        if (line.TrimStart().StartsWith(gateway, StringComparison.Ordinal))
        {
            _banner.TrySetResult(line.TrimStart()[gateway.Length..].Trim().Split(' ')[0]);
        }
    }

    private static string? CommandLine(int pid)
    {
        try
        {
            var raw = File.ReadAllText($"/proc/{pid}/cmdline");
            return raw.Length == 0 || !LinuxProcess.IsAlive(pid) ? null : raw.Replace('\0', ' ');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static IEnumerable<int> Children(int pid)
    {
        try
        {
            return Directory.EnumerateDirectories($"/proc/{pid}/task")
                .SelectMany(task => File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Select(child => int.Parse(child, CultureInfo.InvariantCulture))
                .ToList();
        }
        catch (IOException)
        {
            return [];
        }
    }
}
