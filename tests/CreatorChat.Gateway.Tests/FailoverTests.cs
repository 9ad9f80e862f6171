using System.Net;
using CreatorChat.Testing;
using Xunit;

namespace CreatorChat.Gateway.Tests;

/// <summary>One of two replicas of a service is dead (issue 11: failover that works).</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class FailoverTests(InfrastructureFixture infrastructure)
{
    [Fact]
    public async Task A_dead_replica_of_two_costs_no_request_and_client_faults_never_take_out_a_live_one()
    {
        // Nothing listens on the second creator replica's port: every connection to it is refused.
        await using var gateway = new GatewayFixture(infrastructure, new() { ["services:creator:http:1"] = $"http://127.0.0.1:{FreePort.Next()}" });
        await gateway.InitializeAsync();
        var client = gateway.Client();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 40; i++)
        {
            using var response = await client.GetAsync(new Uri($"/api/v1/creators/c{i}", UriKind.Relative));
            statuses.Add(response.StatusCode);
        }

        // A refused connection never reached the service: it is retried on the live replica, and the dead one leaves the rotation.
        Assert.True(statuses.All(s => s == HttpStatusCode.OK), string.Join(", ", statuses.Select(s => (int)s)));

        // Bodies the client cuts short are its own fault: the live replica stays in rotation.
        var server = RawHttp.StartOnKestrel(gateway.NewReplica());
        var shortBody = $"POST /api/v1/creators HTTP/1.1\r\nHost: {server.Authority}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{{}}\r\n0\r\n\r\n";
        for (var i = 0; i < 20; i++)
        {
            var (status, text) = await RawHttp.SendAsync(server, shortBody);
            Assert.True(status == 400, text);
        }

        using var replica = new HttpClient { BaseAddress = server };
        for (var i = 0; i < 10; i++)
        {
            using var response = await replica.GetAsync(new Uri($"/api/v1/creators/after{i}", UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"request {i}: {(int)response.StatusCode}");
        }
    }
}
