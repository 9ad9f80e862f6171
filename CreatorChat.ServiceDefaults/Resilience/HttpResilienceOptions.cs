namespace CreatorChat.ServiceDefaults.Resilience;

/// <summary>
/// The standard resilience budget of every outgoing HttpClient. Defaults match Aspire's standard
/// resilience handler; override under <c>Resilience:Http</c> (all clients) or
/// <c>Resilience:Http:Clients:&lt;name&gt;</c> (one named client).
/// </summary>
public sealed class HttpResilienceOptions
{
    public TimeSpan TotalRequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public int MaxRetryAttempts { get; set; } = 3;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    public double BreakerFailureRatio { get; set; } = 0.1;

    public int BreakerMinimumThroughput { get; set; } = 100;

    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(5);
}
