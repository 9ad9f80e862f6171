using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace CreatorChat.ServiceDefaults.Resilience;

/// <summary>
/// One pipeline per named HttpClient, kept for the life of the process: IHttpClientFactory recycles
/// handlers every few minutes, and a circuit breaker that lived in the handler would forget its state.
/// </summary>
public sealed class HttpResiliencePipelines(IConfiguration configuration, ILoggerFactory loggerFactory, TimeProvider timeProvider)
{
    public static readonly ResiliencePropertyKey<bool> CanRetryKey = new("CreatorChat.CanRetry");

    private readonly ConcurrentDictionary<string, ResiliencePipeline<HttpResponseMessage>> _pipelines = new(StringComparer.Ordinal);
    private readonly ILogger _logger = loggerFactory.CreateLogger("CreatorChat.Resilience");

    public ResiliencePipeline<HttpResponseMessage> Get(string clientName) =>
        _pipelines.GetOrAdd(clientName, name => Build(name, OptionsFor(name)));

    public HttpResilienceOptions OptionsFor(string clientName)
    {
        var options = new HttpResilienceOptions();
        configuration.GetSection("Resilience:Http").Bind(options);
        if (!string.IsNullOrEmpty(clientName))
        {
            configuration.GetSection($"Resilience:Http:Clients:{clientName}").Bind(options);
        }

        return options;
    }

    public ResiliencePipeline<HttpResponseMessage> Build(string clientName, HttpResilienceOptions options)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider };

        builder.AddTimeout(new TimeoutStrategyOptions { Timeout = options.TotalRequestTimeout, Name = "total" });

        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                Delay = options.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Context.Properties.GetValue(CanRetryKey, false) && IsTransient(args.Outcome)),
                OnRetry = args =>
                {
                    _logger.LogWarning(
                        "HTTP client {ClientName} retrying after {Delay} (attempt {Attempt}): {Reason}",
                        clientName, args.RetryDelay, args.AttemptNumber + 1, Describe(args.Outcome));
                    return default;
                },
            });
        }

        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
        {
            FailureRatio = options.BreakerFailureRatio,
            MinimumThroughput = options.BreakerMinimumThroughput,
            SamplingDuration = options.BreakerSamplingDuration,
            BreakDuration = options.BreakerBreakDuration,
            ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
            OnOpened = args =>
            {
                _logger.LogError("HTTP client {ClientName} circuit opened for {BreakDuration}", clientName, args.BreakDuration);
                return default;
            },
            OnClosed = _ =>
            {
                _logger.LogInformation("HTTP client {ClientName} circuit closed", clientName);
                return default;
            },
        });

        builder.AddTimeout(new TimeoutStrategyOptions { Timeout = options.AttemptTimeout, Name = "attempt" });
        return builder.Build();
    }

    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => IsTransient(response.StatusCode),
        _ => false,
    };

    public static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    private static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception?.GetType().Name ?? $"HTTP {(int?)outcome.Result?.StatusCode}";
}
