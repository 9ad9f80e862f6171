using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using CreatorChat.Gateway.Tests.Support;
using CreatorChat.Testing;
using Npgsql;
using Xunit;

namespace CreatorChat.Gateway.Tests.Integration;

/// <summary>Dependencies that freeze or restart under the gateway (issue 9, items 11, 12 and 14).</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class DependencyFaultTests(InfrastructureFixture infrastructure)
{
    private static Task<HttpResponseMessage> Chat(HttpClient client) =>
        client.PostJsonAsync("/api/v1/chat", new { creator_id = "kitchen-lab", message = "hello" });

    [Fact]
    public async Task A_frozen_redis_costs_one_short_timeout_then_limits_go_local_and_health_recovers_quickly()
    {
        var folder = Path.Combine(Path.GetTempPath(), "creatorchat-tests", "frozen-redis-" + Guid.NewGuid().ToString("N")[..8]);
        await using var redis = await LocalRedis.StartAsync(folder, FreePort.Next(), persistent: false, CancellationToken.None);
        await using var gateway = new GatewayFixture(infrastructure, new() { ["ConnectionStrings:cache"] = redis.ConnectionString });
        await gateway.InitializeAsync();
        var (_, access, _) = await gateway.SignUpAsync();
        var client = gateway.Client(access);
        using (var warm = await Chat(client))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        var pid = await RedisProcessIdAsync(redis.Port);
        Signal("STOP", pid);
        try
        {
            var slow = 0;
            var statuses = new List<HttpStatusCode>();
            for (var i = 0; i < 20; i++)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await Chat(client);
                statuses.Add(response.StatusCode);
                slow += Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(1) ? 1 : 0;
            }

            var healthStarted = Stopwatch.GetTimestamp();
            using var health = await gateway.Client().GetAsync(new Uri("/health", UriKind.Relative));
            var healthTook = Stopwatch.GetElapsedTime(healthStarted);

            Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
            Assert.True(slow <= 1, $"{slow} of 20 chat calls took over a second while Redis was frozen");
            Assert.True(healthTook < TimeSpan.FromSeconds(3), $"/health took {healthTook.TotalSeconds:0.0} s");
            Assert.Equal("Degraded", await health.Content.ReadAsStringAsync());
        }
        finally
        {
            Signal("CONT", pid);
        }

        // Back to exact, shared limits within a few seconds of Redis answering again (not 30 s).
        var recovered = Stopwatch.StartNew();
        string status;
        do
        {
            await Task.Delay(250);
            using var chat = await Chat(client);
            using var health = await gateway.Client().GetAsync(new Uri("/health", UriKind.Relative));
            status = await health.Content.ReadAsStringAsync();
        }
        while (status != "Healthy" && recovered.Elapsed < TimeSpan.FromSeconds(20));

        Assert.Equal("Healthy", status);
        Assert.True(recovered.Elapsed < TimeSpan.FromSeconds(10), $"Degraded for {recovered.Elapsed.TotalSeconds:0.0} s after Redis came back");
    }

    [Fact]
    public async Task A_user_lookup_while_identitydb_is_unreachable_is_a_503_problem_with_retry_after()
    {
        await using var gateway = new GatewayFixture(infrastructure);
        await gateway.InitializeAsync();
        await gateway.SignUpAsync(); // identitydb exists and the gateway holds pooled connections to it
        var database = new NpgsqlConnectionStringBuilder(gateway.IdentityDatabase).Database!;
        await using var admin = new NpgsqlConnection(infrastructure.PostgresConnectionString);
        await admin.OpenAsync();
        await Execute(admin, $"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS false");
        await Execute(admin, $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'");
        try
        {
            // A user the gateway has not seen yet: its status can only come from the database.
            using var response = await gateway.Client(gateway.Tokens.User(Guid.NewGuid())).GetAsync(new Uri("/api/v1/creators/anyone", UriKind.Relative));
            using var me = await gateway.Client(gateway.Tokens.User(Guid.NewGuid())).GetAsync(new Uri("/api/v1/auth/me", UriKind.Relative));

            foreach (var answer in new[] { response, me })
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
                Assert.NotNull(answer.Headers.RetryAfter);
                Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
            }
        }
        finally
        {
            await Execute(admin, $"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS true");
        }
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<int> RedisProcessIdAsync(int port)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("INFO server\r\n"));
        var buffer = new byte[16 * 1024];
        var text = "";
        while (!text.Contains("process_id:", StringComparison.Ordinal) || !text[text.IndexOf("process_id:", StringComparison.Ordinal)..].Contains('\n', StringComparison.Ordinal))
        {
            text += Encoding.ASCII.GetString(buffer, 0, await stream.ReadAsync(buffer));
        }

        var line = text[(text.IndexOf("process_id:", StringComparison.Ordinal) + 11)..];
        return int.Parse(line[..line.IndexOf('\r', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", $"-{signal} {pid}");
        kill.WaitForExit();
    }
}
