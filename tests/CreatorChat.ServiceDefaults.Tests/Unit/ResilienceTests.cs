// Over 300 lines on purpose: every rule of the HttpClient resilience pipeline (retries, failover, per-endpoint breakers, timeouts) on the same loopback replicas.
using System.Net;
using CreatorChat.ServiceDefaults.Http;
using CreatorChat.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Xunit;

namespace CreatorChat.ServiceDefaults.Tests.Unit;

/// <summary>
/// The HttpClient defaults every service gets from <c>AddServiceDefaults</c> (Microsoft.Extensions.Http.Resilience
/// and ServiceDiscovery), against real loopback replicas addressed as <c>http://svc</c>.
/// </summary>
public sealed class ResilienceTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> Fast = new()
    {
        ["Resilience:Http:Retry:MaxRetryAttempts"] = "3",
        ["Resilience:Http:Retry:Delay"] = "00:00:00.001",
        ["Resilience:Http:AttemptTimeout:Timeout"] = "00:00:05",
        ["Resilience:Http:TotalRequestTimeout:Timeout"] = "00:00:10",
    };

    private readonly List<IAsyncDisposable> _owned = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }
    }

    private sealed class Replica
    {
        private int _requests;

        public int Requests => _requests;

        public required LoopbackServer Server { get; init; }

        public void Count() => Interlocked.Increment(ref _requests);
    }

    private async Task<Replica> StartReplicaAsync(Func<int, HttpContext, Task<IResult>> respond)
    {
        Replica? replica = null;
        var server = await LoopbackServer.StartAsync(app => app.Map("/{**path}", async (HttpContext context) =>
        {
            replica!.Count();
            return await respond(replica.Requests, context);
        }));
        replica = new Replica { Server = server };
        _owned.Add(server);
        return replica;
    }

    private static string DeadEndpoint() => $"http://127.0.0.1:{CreatorChat.Testing.FreePort.Next()}";

    private HttpClient Client(IEnumerable<string> endpoints, IDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder();
        var configuration = new Dictionary<string, string?>(settings ?? Fast);
        var i = 0;
        foreach (var endpoint in endpoints)
        {
            configuration[$"services:svc:http:{i++}"] = endpoint;
        }

        builder.Configuration.AddInMemoryCollection(configuration);
        builder.AddServiceDefaults();
        builder.Services.AddHttpClient("svc", client => client.BaseAddress = new Uri("http://svc"));
        var host = builder.Build();
        _owned.Add(new AsyncDisposableHost(host));
        return host.Services.GetRequiredService<IHttpClientFactory>().CreateClient("svc");
    }

    private sealed class AsyncDisposableHost(IHost host) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            host.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task Idempotent_requests_are_retried_on_transient_status()
    {
        var replica = await StartReplicaAsync((_, _) => Task.FromResult(Results.StatusCode(503)));

        using var response = await Client([replica.Server.Url.ToString()]).GetAsync(new Uri("/x", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(4, replica.Requests);
    }

    [Fact]
    public async Task Retries_stop_at_the_first_success()
    {
        var replica = await StartReplicaAsync((n, _) => Task.FromResult(n < 3 ? Results.StatusCode(502) : Results.Ok()));

        using var response = await Client([replica.Server.Url.ToString()]).DeleteAsync(new Uri("/x", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, replica.Requests);
    }

    [Fact]
    public async Task A_post_that_reached_the_service_is_never_retried()
    {
        var replica = await StartReplicaAsync((_, _) => Task.FromResult(Results.StatusCode(503)));

        using var response = await Client([replica.Server.Url.ToString()]).PostAsync(new Uri("/x", UriKind.Relative), new StringContent("{}"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, replica.Requests);
    }

    [Fact]
    public async Task A_post_marked_safe_to_retry_is_retried_like_a_get()
    {
        var replica = await StartReplicaAsync((n, context) =>
        {
            if (n == 1)
            {
                context.Abort(); // the replica dies while answering: the connection resets
            }

            return Task.FromResult(Results.Ok());
        });

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/search", UriKind.Relative)) { Content = new StringContent("{}") }.AsSafeToRetry();
        using var response = await Client([replica.Server.Url.ToString()]).SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, replica.Requests);
    }

    [Fact]
    public async Task Client_errors_are_not_retried()
    {
        var replica = await StartReplicaAsync((_, _) => Task.FromResult(Results.NotFound()));

        using var response = await Client([replica.Server.Url.ToString()]).GetAsync(new Uri("/x", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(1, replica.Requests);
    }

    [Fact]
    public async Task A_post_refused_at_connect_fails_over_to_the_live_replica()
    {
        var live = await StartReplicaAsync((_, _) => Task.FromResult(Results.Ok()));
        var client = Client([DeadEndpoint(), live.Server.Url.ToString()]);

        for (var i = 0; i < 20; i++)
        {
            using var response = await client.PostAsync(new Uri("/x", UriKind.Relative), new StringContent("{\"n\":" + i + "}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(20, live.Requests);
    }

    [Fact]
    public async Task A_dead_replica_never_opens_the_breaker_of_the_healthy_one()
    {
        var settings = new Dictionary<string, string?>(Fast)
        {
            ["Resilience:Http:CircuitBreaker:MinimumThroughput"] = "2",
            ["Resilience:Http:CircuitBreaker:FailureRatio"] = "0.5",
            ["Resilience:Http:CircuitBreaker:BreakDuration"] = "00:00:30",
        };
        var live = await StartReplicaAsync((_, _) => Task.FromResult(Results.Ok()));
        var client = Client([DeadEndpoint(), live.Server.Url.ToString()], settings);

        var results = await Task.WhenAll(Enumerable.Range(0, 60).Select(async _ =>
        {
            using var response = await client.GetAsync(new Uri("/x", UriKind.Relative));
            return response.StatusCode;
        }));

        Assert.All(results, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(60, live.Requests);
    }

    [Fact]
    public async Task Client_errors_and_cancelled_calls_never_open_the_breaker()
    {
        var settings = new Dictionary<string, string?>(Fast)
        {
            ["Resilience:Http:CircuitBreaker:MinimumThroughput"] = "2",
            ["Resilience:Http:CircuitBreaker:FailureRatio"] = "0.1",
            ["Resilience:Http:CircuitBreaker:BreakDuration"] = "00:00:30",
        };
        var replica = await StartReplicaAsync(async (_, context) =>
        {
            if (context.Request.Path == "/slow")
            {
                await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted);
            }

            return context.Request.Path == "/missing" ? Results.NotFound() : Results.Ok();
        });
        var client = Client([replica.Server.Url.ToString()], settings);

        for (var i = 0; i < 10; i++)
        {
            using var missing = await client.GetAsync(new Uri("/missing", UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetAsync(new Uri("/slow", UriKind.Relative), cancel.Token));
        }

        using var ok = await client.GetAsync(new Uri("/ok", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task A_failing_endpoint_opens_its_breaker_and_then_fails_fast()
    {
        var settings = new Dictionary<string, string?>(Fast)
        {
            ["Resilience:Http:Retry:MaxRetryAttempts"] = "0",
            ["Resilience:Http:CircuitBreaker:MinimumThroughput"] = "4",
            ["Resilience:Http:CircuitBreaker:FailureRatio"] = "0.5",
            ["Resilience:Http:CircuitBreaker:BreakDuration"] = "00:00:30",
        };
        var replica = await StartReplicaAsync((_, _) => Task.FromResult(Results.StatusCode(500)));
        var client = Client([replica.Server.Url.ToString()], settings);

        for (var i = 0; i < 4; i++)
        {
            using var failed = await client.PostAsync(new Uri("/x", UriKind.Relative), new StringContent("{}"));
            Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        }

        var error = await Assert.ThrowsAsync<BrokenCircuitException>(() => client.GetAsync(new Uri("/x", UriKind.Relative)));
        Assert.True(ServiceUnavailable.Is(error));
        Assert.Equal(4, replica.Requests);
    }

    [Fact]
    public async Task A_slow_attempt_times_out_and_is_retried()
    {
        var replica = await StartReplicaAsync(async (n, context) =>
        {
            if (n == 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted);
            }

            return Results.Ok();
        });

        var settings = new Dictionary<string, string?>(Fast) { ["Resilience:Http:AttemptTimeout:Timeout"] = "00:00:01" };
        using var response = await Client([replica.Server.Url.ToString()], settings).GetAsync(new Uri("/x", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, replica.Requests);
    }

    [Fact]
    public async Task Total_timeout_bounds_the_whole_call()
    {
        var settings = new Dictionary<string, string?>(Fast)
        {
            ["Resilience:Http:Retry:MaxRetryAttempts"] = "10",
            ["Resilience:Http:AttemptTimeout:Timeout"] = "00:00:00.200",
            ["Resilience:Http:TotalRequestTimeout:Timeout"] = "00:00:00.700",
        };
        var replica = await StartReplicaAsync(async (_, context) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted);
            return Results.Ok();
        });
        var started = System.Diagnostics.Stopwatch.StartNew();

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => Client([replica.Server.Url.ToString()], settings).GetAsync(new Uri("/x", UriKind.Relative)));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(4), $"took {started.Elapsed}");
    }

    [Fact]
    public async Task Requests_are_spread_over_the_configured_replicas()
    {
        var first = await StartReplicaAsync((_, _) => Task.FromResult(Results.Ok()));
        var second = await StartReplicaAsync((_, _) => Task.FromResult(Results.Ok()));
        var client = Client([first.Server.Url.ToString(), second.Server.Url.ToString()]);

        for (var i = 0; i < 10; i++)
        {
            using var response = await client.GetAsync(new Uri("/x", UriKind.Relative));
        }

        Assert.Equal(5, first.Requests);
        Assert.Equal(5, second.Requests);
    }

    [Fact]
    public void Options_bind_per_client_over_the_service_wide_section()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Resilience:Http:AttemptTimeout:Timeout"] = "00:00:03",
            ["Resilience:Http:Clients:chat:AttemptTimeout:Timeout"] = "00:02:00",
            ["Resilience:Http:Clients:chat:TotalRequestTimeout:Timeout"] = "00:02:30",
            ["Resilience:Http:Clients:chat:CircuitBreaker:SamplingDuration"] = "00:05:00",
        }).Build();

        Assert.Equal(TimeSpan.FromMinutes(2), HttpClientResilience.OptionsFor(configuration, "chat").AttemptTimeout.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(3), HttpClientResilience.OptionsFor(configuration, "creator").AttemptTimeout.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(30), HttpClientResilience.OptionsFor(configuration, "creator").TotalRequestTimeout.Timeout);
    }

    [Fact]
    public void A_breaker_window_shorter_than_two_attempts_is_refused_like_the_standard_handler_does()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Resilience:Http:Clients:chat:AttemptTimeout:Timeout"] = "00:02:00",
            ["Resilience:Http:Clients:chat:TotalRequestTimeout:Timeout"] = "00:02:30",
        }).Build();

        var error = Assert.Throws<InvalidOperationException>(() => HttpClientResilience.OptionsFor(configuration, "chat"));
        Assert.Contains("SamplingDuration", error.Message, StringComparison.Ordinal);
    }
}
