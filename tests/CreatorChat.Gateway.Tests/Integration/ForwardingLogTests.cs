using CreatorChat.Gateway.Infrastructure.ReverseProxy;
using CreatorChat.Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Xunit;

namespace CreatorChat.Gateway.Tests.Integration;

/// <summary>
/// A client that breaks its own request (a body shorter than its Content-Length, an invalid chunk) is logged as one
/// quiet line without a stack; a service that cannot be reached stays a warning that names the replica.
/// </summary>
public sealed class ForwardingLogTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task A_clients_broken_body_logs_one_line_without_a_stack_and_a_dead_service_a_warning_naming_it()
    {
        var replica = gateway.NewReplica();
        var server = RawHttp.StartOnKestrel(replica);
        var logs = new FakeLogCollector();
        replica.Services.GetRequiredService<ILoggerFactory>().AddProvider(new FakeLoggerProvider(logs));
        var host = server.Authority;
        var badChunk = $"POST /api/v1/creators HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{{}}\r\n0\r\n\r\n";
        var shortBody = $"POST /api/v1/creators HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"name\":";

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(400, (await RawHttp.SendAsync(server, badChunk)).Status);
            await RawHttp.SendAsync(server, shortBody, halfClose: true);
        }

        var clientFaults = await WhenLoggedAsync(logs, 3);
        // The fake services answer no /alive probe, so YARP may also say (once) that a replica left the rotation meanwhile.
        Assert.False(clientFaults.Any(r => (r.Level >= LogLevel.Warning && !IsHealthChange(r)) || r.Exception is not null), Describe(clientFaults));
        Assert.True(clientFaults.Count(r => r.Category == typeof(ForwardingFailures).FullName) >= 3, Describe(clientFaults));

        // Retrieval's only replica is http://127.0.0.1:9, where nothing listens.
        logs.Clear();
        var (status, text) = await RawHttp.SendAsync(server, $"GET /api/v1/creators/anyone/search?q=bread HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
        Assert.True(status == 503, text);

        // One line per attempt (a refused connect is tried again), each a warning that names the replica.
        var upstream = await WhenLoggedAsync(logs, ForwardingFailures.MaxAttempts);
        var ours = upstream.Where(r => r.Category == typeof(ForwardingFailures).FullName).ToList();
        Assert.Equal(ForwardingFailures.MaxAttempts, ours.Count);
        Assert.All(ours, r => Assert.Equal(LogLevel.Warning, r.Level));
        Assert.All(ours, r => Assert.Contains("127.0.0.1:9", r.Message, StringComparison.Ordinal));
        Assert.False(upstream.Any(r => r.Exception is not null), Describe(upstream)); // YARP's own stack-trace warning is not written
    }

    [Fact]
    public async Task A_replica_that_fails_its_probes_is_one_line_naming_it_not_a_warning_with_a_stack_per_probe()
    {
        var logs = new FakeLogCollector();
        await using var replica = gateway.NewReplica();
        replica.Services.GetRequiredService<ILoggerFactory>().AddProvider(new FakeLoggerProvider(logs));
        using var _ = replica.CreateClient(); // starts the host: probes every 2 s, out after 2 failures

        for (var deadline = DateTime.UtcNow.AddSeconds(15); DateTime.UtcNow < deadline && !logs.GetSnapshot().Any(IsProbeVerdict); await Task.Delay(100))
        {
        }

        await Task.Delay(TimeSpan.FromSeconds(4)); // two more failed probes

        var records = logs.GetSnapshot();
        var verdict = Assert.Single(records, IsProbeVerdict);
        Assert.Equal(LogLevel.Warning, verdict.Level);
        Assert.DoesNotContain(records, r => r.Category == ReverseProxyExtensions.ProbeCategory);
        Assert.DoesNotContain(records, r => r.Exception is not null);
    }

    // YARP's own line when the probes take a replica out (here: retrieval's, where nothing listens).
    private static bool IsProbeVerdict(FakeLogRecord record) => IsHealthChange(record) && record.Message.Contains("127.0.0.1:9/", StringComparison.Ordinal);

    private static bool IsHealthChange(FakeLogRecord record) => record.Message.Contains("health state of destination", StringComparison.Ordinal);

    /// <summary>What these requests logged, once at least <paramref name="count"/> lines of ours are in (a client that left is logged as it goes).</summary>
    private static async Task<IReadOnlyList<FakeLogRecord>> WhenLoggedAsync(FakeLogCollector logs, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (logs.GetSnapshot().Count(r => r.Category == typeof(ForwardingFailures).FullName) < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        await Task.Delay(300); // and whatever else these requests log
        // Not about these requests: the fixture's retrieval is dead, and YARP's health checks of it warn as they probe.
        return logs.GetSnapshot().Where(r => r.Category?.StartsWith("Yarp.ReverseProxy.Health.", StringComparison.Ordinal) != true).ToList();
    }

    private static string Describe(IEnumerable<FakeLogRecord> records) =>
        string.Join("\n", records.Select(r => $"{r.Level} {r.Category}: {r.Message} {r.Exception?.GetType().Name}"));
}
