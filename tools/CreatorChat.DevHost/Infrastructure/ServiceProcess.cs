using System.Diagnostics;

namespace CreatorChat.DevHost.Infrastructure;

/// <summary>One running service replica: a real <c>dotnet</c> process with its own Kestrel.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Task _pumps;

    private ServiceProcess(string name, Uri url, Process process, StreamWriter log, Action<string> output)
    {
        Name = name;
        Url = url;
        _process = process;
        _log = log;
        _pumps = Task.WhenAll(PumpAsync(process.StandardOutput, output), PumpAsync(process.StandardError, output));
    }

    public string Name { get; }
    public Uri Url { get; }
    public bool HasExited => _process.HasExited;
    public int Id => _process.Id;

    /// <summary>A crash: SIGKILL, no graceful shutdown.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public static ServiceProcess Start(
        string name, string assemblyPath, string workingDirectory, Uri url,
        IReadOnlyDictionary<string, string> environment, string logFile, Action<string> output)
    {
        if (!File.Exists(assemblyPath))
        {
            throw new FileNotFoundException($"{assemblyPath} is not built: run 'dotnet build CreatorChat.Local.slnf' first.", assemblyPath);
        }

        var info = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        info.ArgumentList.Add(assemblyPath);
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {name}.");
        Directory.CreateDirectory(Path.GetDirectoryName(logFile)!);
        var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        return new ServiceProcess(name, url, process, log, output);
    }

    private async Task PumpAsync(StreamReader reader, Action<string> output)
    {
        string? line;
        while ((line = await reader.ReadLineAsync()) is not null)
        {
            lock (_log)
            {
                _log.WriteLine(line);
            }

            output($"[{Name}] {line}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ProcessRunner.StopAsync(_process, TimeSpan.FromSeconds(15));
        await _pumps;
        _process.Dispose();
        await _log.DisposeAsync();
    }
}
