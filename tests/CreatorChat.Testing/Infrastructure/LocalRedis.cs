using System.Diagnostics;
using System.Net.Sockets;

namespace CreatorChat.Testing;

/// <summary>A throwaway Redis server on loopback, its files in one folder.</summary>
public sealed class LocalRedis : IAsyncDisposable
{
    private readonly Process _process;

    private LocalRedis(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int ProcessId => _process.Id;

    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <param name="persistent">Keep data across restarts (append-only file) — the local run; tests don't.</param>
    public static async Task<LocalRedis> StartAsync(string folder, int port, bool persistent, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var server = File.Exists("/usr/bin/redis-server") ? "/usr/bin/redis-server" : "redis-server";
        var info = new ProcessStartInfo(server)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        string[] arguments =
        [
            "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", folder,
            "--appendonly", persistent ? "yes" : "no", "--save", "", "--protected-mode", "yes",
            "--logfile", Path.Combine(folder, "redis.log"),
        ];
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start.");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("Redis is not installed: run 'apt-get install redis-server' (./run.sh and ./test.sh do it for you).");
        }

        var redis = new LocalRedis(process, port);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with {process.ExitCode}; see {Path.Combine(folder, "redis.log")}.");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, cancellationToken);
                return redis;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancellationToken);
            }
        }

        await redis.DisposeAsync();
        throw new InvalidOperationException("redis-server did not accept connections within 20 s.");
    }

    public async ValueTask DisposeAsync()
    {
        await ProcessRunner.StopAsync(_process, TimeSpan.FromSeconds(10));
        _process.Dispose();
    }
}
