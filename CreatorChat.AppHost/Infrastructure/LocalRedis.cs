using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CreatorChat.AppHost.Infrastructure;

/// <summary>Redis from this machine's <c>redis-server</c>, as an Aspire executable, on loopback only.</summary>
internal sealed class LocalRedisResource(string name, string command, string workingDirectory, int port)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public int Port { get; } = port;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"127.0.0.1:{LocalData.Port(Port)}");
}

internal static class LocalRedis
{
    public static IResourceBuilder<LocalRedisResource> AddLocalRedis(this IDistributedApplicationBuilder builder, string name, LocalData data)
    {
        var server = data.RedisServer is { } configured
            ? File.Exists(configured)
                ? configured
                : throw new PlatformStartupException(
                    $"Infrastructure:RedisServer is '{configured}', which does not exist: point it at the redis-server executable, " +
                    "or leave it unset to use /usr/bin/redis-server.")
            : new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
                ?? throw new PlatformStartupException(
                    "Redis is not installed (no redis-server): run scripts/install-prerequisites.sh (./run.sh does it), " +
                    "set Infrastructure:RedisServer to its path, or use Infrastructure__Mode=existing with your own server.");
        var folder = Path.Combine(data.Folder, "redis");
        Directory.CreateDirectory(folder);
        var resource = new LocalRedisResource(name, server, folder, data.RedisPort);

        var healthCheck = $"{name}-ready";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(healthCheck, _ => new RedisPingCheck(data.RedisPort), null, null));

        return builder.AddResource(resource)
            .WithArgs(
                "--port", LocalData.Port(data.RedisPort), "--bind", "127.0.0.1", "--dir", folder, "--protected-mode", "yes",
                "--appendonly", data.Ephemeral ? "no" : "yes", "--save", "")
            .WithHealthCheck(healthCheck)
            .ExcludeFromManifest();
    }

    private sealed class RedisPingCheck(int port) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(3));
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, timeout.Token);
                var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray(), timeout.Token);
                var buffer = new byte[64];
                var read = await stream.ReadAsync(buffer, timeout.Token);
                var reply = Encoding.ASCII.GetString(buffer, 0, read);
                return reply.StartsWith("+PONG", StringComparison.Ordinal) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy(reply.Trim());
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy(ex.Message);
            }
        }
    }
}
