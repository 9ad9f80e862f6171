using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CreatorChat.Benchmarks.Gateway;

/// <summary>
/// Debian's nginx (<c>apt-get install nginx-light</c>; scripts/install-prerequisites.sh installs it) as a
/// plain reverse proxy to one upstream, on a free loopback port, with a generated configuration in a
/// throwaway folder: the yardstick the gateway's proxying is measured against. It is tuned the way a
/// production nginx in front of a service would be (upstream keep-alive, no access log, one worker per core),
/// and forwards the headers the gateway forwards (Host, X-Forwarded-For/-Proto, X-Request-Id).
/// </summary>
public sealed class NginxProxy : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;

    private NginxProxy(Process process, string folder, Uri url)
    {
        _process = process;
        _folder = folder;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>The nginx binary, or null when the package is not installed.</summary>
    public static string? Binary => new[] { "/usr/sbin/nginx", "/usr/local/sbin/nginx" }.FirstOrDefault(File.Exists);

    public static async Task<NginxProxy> StartAsync(Uri upstream, CancellationToken cancellationToken)
    {
        var binary = Binary ?? throw new InvalidOperationException("nginx is not installed: run scripts/install-prerequisites.sh (or apt-get install -y nginx-light).");
        var folder = Directory.CreateTempSubdirectory("creatorchat-nginx-").FullName;
        var port = FreeLoopbackPort();
        var config = Path.Combine(folder, "nginx.conf");
        await File.WriteAllTextAsync(config, Configuration(folder, port, upstream), cancellationToken);

        // -e: the error log before the configuration is read (else nginx opens /var/log/nginx/error.log first).
        var info = new ProcessStartInfo(binary) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-p", folder, "-c", config, "-e", Path.Combine(folder, "error.log") })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {binary}.");
        var proxy = new NginxProxy(process, folder, new Uri($"http://127.0.0.1:{port}"));
        try
        {
            await proxy.WaitUntilListeningAsync(port, cancellationToken);
            return proxy;
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
    }

    private static string Configuration(string folder, int port, Uri upstream) => string.Create(CultureInfo.InvariantCulture, $$"""
        daemon off;
        master_process on;
        worker_processes auto;
        pid {{folder}}/nginx.pid;
        error_log {{folder}}/error.log warn;
        events { worker_connections 4096; }
        http {
            access_log off;
            client_body_temp_path {{folder}}/client_body;
            proxy_temp_path {{folder}}/proxy;
            fastcgi_temp_path {{folder}}/fastcgi;
            uwsgi_temp_path {{folder}}/uwsgi;
            scgi_temp_path {{folder}}/scgi;
            keepalive_requests 1000000;
            upstream service {
                server {{upstream.Host}}:{{upstream.Port}};
                keepalive 256;
                keepalive_requests 1000000;
            }
            server {
                listen 127.0.0.1:{{port}};
                location / {
                    proxy_pass http://service;
                    proxy_http_version 1.1;
                    proxy_set_header Connection "";
                    proxy_set_header Host $http_host;
                    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                    proxy_set_header X-Forwarded-Proto $scheme;
                    proxy_set_header X-Request-Id $request_id;
                    proxy_max_temp_file_size 0;
                }
            }
        }
        """);

    private async Task WaitUntilListeningAsync(int port, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (_process.HasExited)
            {
                break;
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancellationToken);
            }
        }

        var log = Path.Combine(_folder, "error.log");
        throw new InvalidOperationException($"nginx did not listen on 127.0.0.1:{port} within 10 s{(_process.HasExited ? $" (exit code {_process.ExitCode})" : "")}: "
                                            + (File.Exists(log) ? await File.ReadAllTextAsync(log, cancellationToken) : await _process.StandardError.ReadToEndAsync(cancellationToken)));
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true); // the master and its workers, all ours
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A worker still holding a file: the folder is in the temp directory.
        }
    }
}
