using System.Net;
using CreatorChat.ServiceDefaults.Resilience;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Xunit;

namespace CreatorChat.ServiceDefaults.Tests;

public sealed class ResilienceTests
{
    private static readonly HttpResilienceOptions Fast = new()
    {
        MaxRetryAttempts = 3,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        AttemptTimeout = TimeSpan.FromMilliseconds(300),
        TotalRequestTimeout = TimeSpan.FromSeconds(10),
        BreakerMinimumThroughput = 100,
    };

    private static (HttpMessageInvoker Client, CountingHandler Inner) Create(HttpResilienceOptions options, Func<int, Task<HttpResponseMessage>> respond)
    {
        var settings = typeof(HttpResilienceOptions).GetProperties().ToDictionary(
            p => $"Resilience:Http:Clients:test:{p.Name}",
            p => (string?)Convert.ToString(p.GetValue(options), System.Globalization.CultureInfo.InvariantCulture));
        var pipelines = new HttpResiliencePipelines(
            new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), NullLoggerFactory.Instance, TimeProvider.System);
        var inner = new CountingHandler(respond);
        var handler = new StandardResilienceHandler(pipelines, "test") { InnerHandler = inner };
        return (new HttpMessageInvoker(handler), inner);
    }

    [Fact]
    public async Task Idempotent_requests_are_retried_on_transient_status()
    {
        var (client, inner) = Create(Fast, _ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)));

        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://svc/"), CancellationToken.None);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1 + Fast.MaxRetryAttempts, inner.Attempts);
    }

    [Fact]
    public async Task Retries_stop_at_the_first_success()
    {
        var (client, inner) = Create(Fast, attempt => Task.FromResult(new HttpResponseMessage(attempt < 3 ? HttpStatusCode.BadGateway : HttpStatusCode.OK)));

        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "http://svc/x"), CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, inner.Attempts);
    }

    [Fact]
    public async Task Post_is_never_retried()
    {
        var (client, inner) = Create(Fast, _ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)));

        using var response = await client.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "http://svc/") { Content = new StringContent("{}") }, CancellationToken.None);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(1, inner.Attempts);
    }

    [Fact]
    public async Task Idempotent_request_with_a_one_shot_stream_body_is_not_retried()
    {
        var (client, inner) = Create(Fast, _ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)));

        using var response = await client.SendAsync(
            new HttpRequestMessage(HttpMethod.Put, "http://svc/") { Content = new StreamContent(new MemoryStream([1, 2, 3])) }, CancellationToken.None);

        Assert.Equal(1, inner.Attempts);
    }

    [Fact]
    public async Task Client_errors_are_not_retried()
    {
        var (client, inner) = Create(Fast, _ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotFound)));

        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://svc/"), CancellationToken.None);

        Assert.Equal(1, inner.Attempts);
    }

    [Fact]
    public async Task Connection_failures_are_retried_then_surface()
    {
        var (client, inner) = Create(Fast, _ => throw new HttpRequestException("Connection refused"));

        await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://svc/"), CancellationToken.None));
        Assert.Equal(1 + Fast.MaxRetryAttempts, inner.Attempts);
    }

    [Fact]
    public async Task A_slow_attempt_times_out_and_is_retried()
    {
        var (client, inner) = Create(Fast, async attempt =>
        {
            if (attempt == 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(5));
            }

            return new HttpResponseMessage(HttpStatusCode.OK);
        });

        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://svc/"), CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, inner.Attempts);
    }

    [Fact]
    public async Task Total_timeout_bounds_the_whole_call()
    {
        var options = new HttpResilienceOptions
        {
            MaxRetryAttempts = 10, RetryBaseDelay = TimeSpan.FromMilliseconds(1),
            AttemptTimeout = TimeSpan.FromMilliseconds(200), TotalRequestTimeout = TimeSpan.FromMilliseconds(700),
        };
        var (client, _) = Create(options, async _ =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            return new HttpResponseMessage(HttpStatusCode.OK);
        });
        var started = System.Diagnostics.Stopwatch.StartNew();

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://svc/"), CancellationToken.None));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(4), $"took {started.Elapsed}");
    }

    [Fact]
    public async Task Breaker_opens_after_enough_failures_and_then_fails_fast()
    {
        var options = new HttpResilienceOptions
        {
            MaxRetryAttempts = 0, BreakerMinimumThroughput = 4, BreakerFailureRatio = 0.5,
            BreakerSamplingDuration = TimeSpan.FromSeconds(30), BreakerBreakDuration = TimeSpan.FromSeconds(30),
        };
        var (client, inner) = Create(options, _ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.InternalServerError)));

        for (var i = 0; i < 4; i++)
        {
            using var failed = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "http://svc/"), CancellationToken.None);
        }

        await Assert.ThrowsAsync<BrokenCircuitException>(() => client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://svc/"), CancellationToken.None));
        Assert.Equal(4, inner.Attempts);
    }

    [Fact]
    public async Task Breaker_state_survives_handler_recycling()
    {
        var pipelines = new HttpResiliencePipelines(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Resilience:Http:MaxRetryAttempts"] = "0",
                ["Resilience:Http:BreakerMinimumThroughput"] = "2",
                ["Resilience:Http:BreakerFailureRatio"] = "0.5",
            }).Build(),
            NullLoggerFactory.Instance, TimeProvider.System);

        async Task SendWithNewHandler()
        {
            var inner = new CountingHandler(_ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)));
            using var client = new HttpMessageInvoker(new StandardResilienceHandler(pipelines, "recycled") { InnerHandler = inner });
            using var _ = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "http://svc/"), CancellationToken.None);
        }

        await SendWithNewHandler();
        await SendWithNewHandler();

        await Assert.ThrowsAsync<BrokenCircuitException>(SendWithNewHandler);
    }

    [Fact]
    public void Options_bind_per_client_over_defaults()
    {
        var pipelines = new HttpResiliencePipelines(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Resilience:Http:AttemptTimeout"] = "00:00:03",
                ["Resilience:Http:Clients:chat:AttemptTimeout"] = "00:02:00",
            }).Build(),
            NullLoggerFactory.Instance, TimeProvider.System);

        Assert.Equal(TimeSpan.FromMinutes(2), pipelines.OptionsFor("chat").AttemptTimeout);
        Assert.Equal(TimeSpan.FromSeconds(3), pipelines.OptionsFor("creator").AttemptTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), pipelines.OptionsFor("creator").TotalRequestTimeout);
    }

    private sealed class CountingHandler(Func<int, Task<HttpResponseMessage>> respond) : HttpMessageHandler
    {
        private int _attempts;

        public int Attempts => _attempts;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            respond(Interlocked.Increment(ref _attempts)).WaitAsync(cancellationToken);
    }
}
