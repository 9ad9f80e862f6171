using System.Net;
using System.Net.Sockets;
using CreatorChat.AppHost.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace CreatorChat.AppHost.Lifecycle;

/// <summary>Checks, before anything starts, that the fixed ports of the local run are free, and says which is not.</summary>
internal static class Preflight
{
    public static void EnsurePortsAreFree(IDistributedApplicationBuilder builder)
    {
        // Tests and benchmarks (Aspire.Hosting.Testing) randomise ports; nothing is fixed then.
        if (!builder.ExecutionContext.IsRunMode || builder.Configuration.GetValue("DcpPublisher:RandomizePorts", false))
        {
            return;
        }

        var ports = new List<(int Port, string Owner)>();
        foreach (var resource in builder.Resources)
        {
            ports.AddRange(resource.Annotations.OfType<EndpointAnnotation>().Where(e => e.Port is not null).Select(e => (e.Port!.Value, resource.Name)));
            switch (resource)
            {
                case LocalPostgresResource postgres:
                    ports.Add((postgres.Port, postgres.Name));
                    break;
                case LocalRedisResource redis:
                    ports.Add((redis.Port, redis.Name));
                    break;
            }
        }

        foreach (var key in new[] { "ASPNETCORE_URLS", "ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL", "ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL" })
        {
            foreach (var url in (builder.Configuration[key] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                if (Uri.TryCreate(url, UriKind.Absolute, out var uri))
                {
                    ports.Add((uri.Port, "the Aspire dashboard"));
                }
            }
        }

        foreach (var (port, owner) in ports.Distinct())
        {
            if (!IsFree(port))
            {
                throw new PlatformStartupException(
                    $"port {port} (for {owner}) is already in use on 127.0.0.1. Stop what holds it (see: ss -ltnp 'sport = :{port}') — " +
                    "perhaps an earlier ./run.sh that is still running — and run again.");
            }
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
