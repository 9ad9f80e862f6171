using System.Net;
using CreatorChat.Gateway.Tests.Support;
using CreatorChat.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace CreatorChat.Gateway.Tests.Integration;

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

    [Fact]
    public async Task A_chat_turn_whose_replica_dies_before_answering_is_answered_by_the_other_with_its_whole_body()
    {
        await using var dying = DyingReplica.Start();
        await using var live = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/alive", () => "Healthy");
            app.MapPost("/api/v1/chat", async context =>
                await context.Response.WriteAsJsonAsync(new { body = await new StreamReader(context.Request.Body).ReadToEndAsync() }));
        });
        await using var gateway = new GatewayFixture(infrastructure, new()
        {
            ["services:chat:http:0"] = dying.Url.ToString(),
            ["services:chat:http:1"] = live.Url.ToString(),
        });
        await gateway.InitializeAsync();
        var (_, access, _) = await gateway.SignUpAsync();
        var client = gateway.Client(access);

        // Until the dying replica has taken a turn (each pick is a coin flip between the two; a failure ejects it for a while).
        for (var i = 0; i < 40 && dying.Turns == 0; i++)
        {
            var message = $"What is transfer learning? ({i}) " + new string('x', 20_000); // more than one read of the body
            using var response = await client.PostJsonAsync("/api/v1/chat", new { creator_id = "someone", message });
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"turn {i}: {(int)response.StatusCode} {body}");
            Assert.Contains(message, System.Text.Json.Nodes.JsonNode.Parse(body)!["body"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        Assert.True(dying.Turns > 0, "The dying replica was never picked.");
    }

    [Fact]
    public async Task A_turn_lost_behind_a_balancer_is_sent_through_it_again()
    {
        // The only chat address is a balancer (a Kubernetes Service, DCP's proxy) in front of a live and a dead replica:
        // every other connection lands on the dead one.
        await using var balancer = DyingReplica.Start(answerEvery: 2);
        await using var gateway = new GatewayFixture(infrastructure, new() { ["services:chat:http:0"] = balancer.Url.ToString() });
        await gateway.InitializeAsync();
        var (_, access, _) = await gateway.SignUpAsync();
        var client = gateway.Client(access);

        for (var i = 0; i < 6; i++)
        {
            var message = $"What is a tokenizer? ({i})";
            using var response = await client.PostJsonAsync("/api/v1/chat", new { creator_id = "someone", message });
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"turn {i}: {(int)response.StatusCode} {body}");
            Assert.Contains(message, body, StringComparison.Ordinal);
        }

        Assert.Equal(12, balancer.Turns); // each turn lost once, then answered
    }

    [Fact]
    public async Task Every_attempt_of_a_turn_carries_the_gateways_turn_id_and_never_the_clients()
    {
        await using var balancer = DyingReplica.Start(answerEvery: 2);
        await using var gateway = new GatewayFixture(infrastructure, new() { ["services:chat:http:0"] = balancer.Url.ToString() });
        await gateway.InitializeAsync();
        var (_, access, _) = await gateway.SignUpAsync();
        var client = gateway.Client(access);

        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/chat")
            {
                Content = System.Net.Http.Json.JsonContent.Create(new { creator_id = "someone", message = $"What is a pipeline? ({i})" }),
            };
            request.Headers.TryAddWithoutValidation("X-CreatorChat-Turn-Id", "0190d0a0-0000-7000-8000-000000000001"); // forged
            using var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Each turn was lost once and answered on its second attempt: both attempts carry one id, each turn its own.
        var ids = balancer.Heads.Select(head => System.Text.RegularExpressions.Regex.Matches(head, @"(?im)^X-CreatorChat-Turn-Id:\s*(\S+)\s*$")
            .Select(m => m.Groups[1].Value).ToList()).ToList();
        Assert.Equal(6, ids.Count);
        Assert.All(ids, values => Assert.Single(values));
        var turns = ids.Select(values => values[0]).Chunk(2).ToList();
        Assert.All(turns, attempts => Assert.Equal(attempts[0], attempts[1]));
        Assert.Equal(3, turns.Select(attempts => attempts[0]).Distinct().Count());
        Assert.All(turns, attempts => Assert.True(Guid.TryParse(attempts[0], out var id) && id.Version == 7 && attempts[0] != "0190d0a0-0000-7000-8000-000000000001", attempts[0]));
    }

    /// <summary>
    /// A chat replica that passes its health probes but dies (connection reset) once it has read a turn's head and part of
    /// its body; with <c>answerEvery</c> = n, every n-th turn is answered instead (its body echoed), as a balancer in front
    /// of a live and a dead replica does.
    /// </summary>
    private sealed class DyingReplica(int answerEvery) : IAsyncDisposable
    {
        private readonly System.Net.Sockets.TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private Task _accepting = Task.CompletedTask;
        private int _turns;

        public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

        public int Turns => Volatile.Read(ref _turns);

        /// <summary>The head of every turn it received, in order.</summary>
        public System.Collections.Concurrent.ConcurrentQueue<string> Heads { get; } = new();

        public static DyingReplica Start(int answerEvery = 0)
        {
            var replica = new DyingReplica(answerEvery);
            replica._listener.Start();
            replica._accepting = replica.AcceptAsync();
            return replica;
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var socket = await _listener.AcceptSocketAsync(_stop.Token);
                    _ = ServeAsync(socket);
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        private async Task ServeAsync(System.Net.Sockets.Socket socket)
        {
            using (socket)
            {
                var buffer = new byte[8192];
                var head = new System.Text.StringBuilder();
                try
                {
                    while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                    {
                        var read = await socket.ReceiveAsync(buffer, _stop.Token);
                        if (read == 0)
                        {
                            return;
                        }

                        head.Append(System.Text.Encoding.Latin1.GetString(buffer, 0, read));
                    }

                    if (head.ToString().StartsWith("GET /alive ", StringComparison.Ordinal))
                    {
                        await socket.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 7\r\nConnection: close\r\n\r\nHealthy"u8.ToArray(), _stop.Token);
                        return;
                    }

                    Heads.Enqueue(head.ToString()[..head.ToString().IndexOf("\r\n\r\n", StringComparison.Ordinal)]);
                    if (answerEvery > 0 && Interlocked.Increment(ref _turns) % answerEvery == 0)
                    {
                        await AnswerAsync(socket, head.ToString(), buffer);
                        return;
                    }

                    if (answerEvery == 0)
                    {
                        Interlocked.Increment(ref _turns);
                    }

                    socket.LingerState = new System.Net.Sockets.LingerOption(true, 0); // a crash: reset, no answer
                }
                catch (Exception ex) when (ex is OperationCanceledException or System.Net.Sockets.SocketException)
                {
                }
            }
        }

        private async Task AnswerAsync(System.Net.Sockets.Socket socket, string received, byte[] buffer)
        {
            var headEnd = received.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4;
            var length = int.Parse(System.Text.RegularExpressions.Regex.Match(received, @"(?im)^content-length:\s*(\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            var body = new List<byte>(System.Text.Encoding.Latin1.GetBytes(received[headEnd..]));
            while (body.Count < length)
            {
                var read = await socket.ReceiveAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    return;
                }

                body.AddRange(buffer.AsSpan(0, read));
            }

            var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new { body = System.Text.Encoding.UTF8.GetString(body.ToArray()) });
            var responseHead = $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {json.Length}\r\nConnection: close\r\n\r\n";
            await socket.SendAsync(System.Text.Encoding.Latin1.GetBytes(responseHead), _stop.Token);
            await socket.SendAsync(json, _stop.Token);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _accepting;
            _stop.Dispose();
        }
    }
}
