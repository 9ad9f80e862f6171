using Polly.CircuitBreaker;
using Polly.Timeout;

namespace CreatorChat.ServiceDefaults.Resilience;

public static class ServiceUnavailable
{
    /// <summary>
    /// The failures an HttpClient with the standard resilience handler surfaces when the other
    /// service cannot answer: unreachable, its circuit open, or out of time. Callers degrade on these.
    /// </summary>
    public static bool Is(Exception exception) =>
        exception is HttpRequestException or BrokenCircuitException or TimeoutRejectedException;
}
