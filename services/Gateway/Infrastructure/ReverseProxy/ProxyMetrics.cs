using System.Diagnostics.Metrics;

namespace CreatorChat.Gateway.Infrastructure.ReverseProxy;

/// <summary>Per-service forwarding counts and latency, to tell which service a slowdown comes from.</summary>
public sealed class ProxyMetrics
{
    public const string MeterName = "CreatorChat.Gateway";

    private readonly Histogram<double> _duration;

    public ProxyMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _duration = meter.CreateHistogram<double>(
            "creatorchat.gateway.forward.duration", unit: "s",
            description: "Time from receiving a request to the end of the forwarded response, by downstream service and status.");
    }

    public void Record(string service, string method, int status, TimeSpan elapsed) =>
        _duration.Record(elapsed.TotalSeconds,
            new KeyValuePair<string, object?>("creatorchat.service", service),
            new KeyValuePair<string, object?>("http.request.method", method),
            new KeyValuePair<string, object?>("http.response.status_code", status));
}
