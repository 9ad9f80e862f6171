using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace CreatorChat.ServiceDefaults.Http;

/// <summary>
/// Resilience and service discovery for every HttpClient, on Microsoft.Extensions.Http.Resilience and
/// Microsoft.Extensions.ServiceDiscovery, in the order the standard hedging handler uses for endpoints:
/// <list type="number">
/// <item>per logical service (<c>http://retrieval</c>): total timeout → retry → attempt timeout, with
/// the standard handler's options bound from <c>Resilience:Http</c>, then <c>Resilience:Http:Clients:&lt;name&gt;</c>;</item>
/// <item>service discovery picks a replica for each attempt, so a retry can land on another one;</item>
/// <item>per concrete endpoint (<c>http://10.0.0.7:8080</c>): a circuit breaker that counts only that
/// endpoint's own failures, so one dead replica never opens the breaker of a healthy one.</item>
/// </list>
/// There is no concurrency limiter: long streams would hold its permits.
/// </summary>
public static class HttpClientResilience
{
    public const string Section = "Resilience:Http";

    /// <summary>
    /// A request that fails this way never left: retrying it is safe whatever its method, and cheap (refused at connect, or
    /// its endpoint's breaker answers at once). Round robin is shared by concurrent requests, so a request's next pick can be
    /// the same dead replica again; this many picks make landing on it every time negligible.
    /// </summary>
    private const int FailoverAttempts = 16;

    /// <summary>What <c>AddServiceDefaults</c> gives every HttpClient; options by the logical service name.</summary>
    public static IHttpClientBuilder AddPlatformResilience(this IHttpClientBuilder http)
    {
        http.AddRequestPipeline(clientName: null);
        http.AddServiceDiscovery();
        http.AddEndpointPipeline(clientName: null);
        return http;
    }

    /// <summary>
    /// For a client whose address is a concrete URL (a model server, Qdrant): its options come from
    /// <c>Resilience:Http:Clients:&lt;clientName&gt;</c> instead. Discovery stays where the defaults put it.
    /// </summary>
    public static IHttpClientBuilder WithResilienceOptions(this IHttpClientBuilder http, string clientName)
    {
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental.
        http.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        http.AddRequestPipeline(clientName);
        http.AddEndpointPipeline(clientName);
        return http;
    }

    private static void AddRequestPipeline(this IHttpClientBuilder http, string? clientName) =>
        http.AddResilienceHandler("request", (pipeline, context) =>
            {
                var name = clientName ?? ServiceName(context.InstanceName);
                var options = OptionsFor(context.ServiceProvider.GetRequiredService<IConfiguration>(), name);
                pipeline.AddTimeout(options.TotalRequestTimeout);
                pipeline.AddRetry(Retry(options.Retry));
                pipeline.AddTimeout(options.AttemptTimeout);
            })
            .SelectPipelineByAuthority();

    private static void AddEndpointPipeline(this IHttpClientBuilder http, string? clientName) =>
        http.AddResilienceHandler("endpoint", (pipeline, context) =>
            {
                var configuration = context.ServiceProvider.GetRequiredService<IConfiguration>();
                var name = clientName ?? ServiceOwning(configuration, context.InstanceName);
                var breaker = OptionsFor(configuration, name).CircuitBreaker;
                breaker.ShouldHandle = args => ValueTask.FromResult(IsUpstreamFailure(args.Outcome, args.Context));
                pipeline.AddCircuitBreaker(breaker);
            })
            .SelectPipelineByAuthority();

    /// <summary>The standard handler's options for one client: defaults, then the service-wide section, then the client's.</summary>
    public static HttpStandardResilienceOptions OptionsFor(IConfiguration configuration, string? clientName)
    {
        var options = new HttpStandardResilienceOptions();
        configuration.GetSection(Section).Bind(options);
        if (!string.IsNullOrEmpty(clientName))
        {
            configuration.GetSection($"{Section}:Clients:{clientName}").Bind(options);
        }

        if (options.AttemptTimeout.Timeout > options.TotalRequestTimeout.Timeout)
        {
            throw new InvalidOperationException(
                $"{Section}:Clients:{clientName}: AttemptTimeout ({options.AttemptTimeout.Timeout}) exceeds TotalRequestTimeout ({options.TotalRequestTimeout.Timeout}).");
        }

        // The standard handler's rule: the breaker must see at least two whole attempts in its window.
        if (options.CircuitBreaker.SamplingDuration < 2 * options.AttemptTimeout.Timeout)
        {
            throw new InvalidOperationException(
                $"{Section}:Clients:{clientName}: CircuitBreaker:SamplingDuration ({options.CircuitBreaker.SamplingDuration}) must be at least twice AttemptTimeout ({options.AttemptTimeout.Timeout}).");
        }

        return options;
    }

    private static HttpRetryStrategyOptions Retry(HttpRetryStrategyOptions configured)
    {
        var idempotentAttempts = configured.MaxRetryAttempts;
        configured.MaxRetryAttempts = Math.Max(idempotentAttempts, FailoverAttempts);
        configured.ShouldHandle = args => ValueTask.FromResult(
            !args.Context.CancellationToken.IsCancellationRequested &&
            (NeverSent(args.Outcome) ? args.AttemptNumber < FailoverAttempts
                : args.AttemptNumber < idempotentAttempts && MayRetry(args.Context.GetRequestMessage()) &&
                  HttpClientResiliencePredicates.IsTransient(args.Outcome)));
        // A failover to another replica needs no back-off; the next pick is another endpoint.
        configured.DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(NeverSent(args.Outcome) ? TimeSpan.Zero : null);
        return configured;
    }

    /// <summary>Refused at connect, name not resolved, or its endpoint's breaker open: the request did not leave.</summary>
    public static bool NeverSent(Outcome<HttpResponseMessage> outcome) => outcome.Exception switch
    {
        BrokenCircuitException => true,
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } => true,
        _ => false,
    };

    /// <summary>What only the upstream itself can cause: a caller's cancellation or a 4xx never counts.</summary>
    public static bool IsUpstreamFailure(Outcome<HttpResponseMessage> outcome, ResilienceContext context) => outcome switch
    {
        _ when context.CancellationToken.IsCancellationRequested => false,
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => response.StatusCode is HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout,
        _ => false,
    };

    /// <summary>
    /// Set on a request whose method is not idempotent but whose effect is (a POST that only reads, such as a search with
    /// its query in the body): it is then retried like a GET, so a replica that dies while answering it costs nothing.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> SafeToRetry = new("CreatorChat.SafeToRetry");

    /// <summary>Marks <paramref name="request"/> <see cref="SafeToRetry"/>.</summary>
    public static HttpRequestMessage AsSafeToRetry(this HttpRequestMessage request)
    {
        request.Options.Set(SafeToRetry, true);
        return request;
    }

    /// <summary>May a request that reached the service be sent again: an idempotent method, or marked <see cref="SafeToRetry"/>.</summary>
    public static bool MayRetry(HttpRequestMessage? request) =>
        IsIdempotent(request) || (request is not null && request.Options.TryGetValue(SafeToRetry, out var safe) && safe);

    public static bool IsIdempotent(HttpRequestMessage? request) =>
        request is not null &&
        (request.Method == HttpMethod.Get || request.Method == HttpMethod.Head || request.Method == HttpMethod.Options ||
         request.Method == HttpMethod.Put || request.Method == HttpMethod.Delete || request.Method == HttpMethod.Trace);

    // The pipeline instance is keyed by the request's authority before discovery: "http://retrieval" → "retrieval".
    private static string? ServiceName(string? authority) =>
        Uri.TryCreate(authority, UriKind.Absolute, out var uri) ? uri.Host : null;

    // After discovery the authority is an endpoint; the service whose services:<name>:<scheme>:N lists it owns it.
    // Under Kubernetes DNS the authority still is the service name.
    private static string? ServiceOwning(IConfiguration configuration, string? authority)
    {
        if (!Uri.TryCreate(authority, UriKind.Absolute, out var endpoint))
        {
            return null;
        }

        foreach (var service in configuration.GetSection("services").GetChildren())
        {
            var listed = service.GetChildren().SelectMany(scheme => scheme.GetChildren().Select(e => e.Value).Append(scheme.Value));
            if (listed.Any(value => Uri.TryCreate(value, UriKind.Absolute, out var uri) &&
                                    Uri.Compare(uri, endpoint, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0))
            {
                return service.Key;
            }
        }

        return endpoint.Host;
    }
}

public static class ServiceUnavailable
{
    /// <summary>
    /// The failures an HttpClient surfaces when the other service cannot answer: unreachable, every
    /// endpoint's circuit open, or out of time. Callers degrade on these.
    /// </summary>
    public static bool Is(Exception exception) =>
        exception is HttpRequestException or BrokenCircuitException or TimeoutRejectedException;
}
