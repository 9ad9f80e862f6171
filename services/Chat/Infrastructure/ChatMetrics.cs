using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CreatorChat.Chat.Infrastructure;

/// <summary>
/// Chat's traces and metrics (exported under the <c>CreatorChat.</c> prefix). Model calls are measured by
/// Microsoft.Extensions.AI's OpenTelemetry middleware under the same name (GenAI conventions, <c>gen_ai.client.*</c>).
/// </summary>
public sealed class ChatMetrics
{
    public const string MeterName = "CreatorChat.Chat";
    public const string ActivitySourceName = "CreatorChat.Chat";

    public static readonly ActivitySource ActivitySource = new(ActivitySourceName);

    private readonly Counter<long> _turns;
    private readonly Histogram<double> _turnDuration;
    private readonly Histogram<double> _turnTimeToFirstToken;
    private readonly Counter<long> _cacheLookups;
    private readonly UpDownCounter<long> _activeStreams;
    private readonly Counter<long> _retrievalFailures;
    private long _cacheHits;
    private long _cacheMisses;

    public ChatMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _turns = meter.CreateCounter<long>("creatorchat.chat.turns", "{turn}",
            "Chat turns by transport, final status, outcome and whether the answer came from the cache.");
        _turnDuration = meter.CreateHistogram<double>("creatorchat.chat.turn.duration", "s",
            "Time from the question to the end of the answer, retrieval and generation included.");
        _turnTimeToFirstToken = meter.CreateHistogram<double>("creatorchat.chat.turn.time_to_first_token", "s",
            "Time from the question to the first answer text (what the fan waits for).");
        _cacheLookups = meter.CreateCounter<long>("creatorchat.chat.cache.lookups", "{lookup}",
            "Answer cache lookups by result: hit, miss, unavailable (Redis down or slow), skipped (not cacheable).");
        meter.CreateObservableGauge("creatorchat.chat.cache.hit_ratio", ObserveHitRatio, "1",
            "Share of answer cache lookups that were hits since this replica started.");
        _activeStreams = meter.CreateUpDownCounter<long>("creatorchat.chat.active_streams", "{stream}",
            "Answers being generated or streamed right now.");
        _retrievalFailures = meter.CreateCounter<long>("creatorchat.chat.retrieval.failures", "{failure}",
            "Searches that failed (retrieval down, slow or its circuit open): the fan got an honest 'cannot search' answer.");
    }

    public long CacheHits => Interlocked.Read(ref _cacheHits);

    public long CacheMisses => Interlocked.Read(ref _cacheMisses);

    public void Turn(string transport, string status, string? outcome, bool cached, TimeSpan duration, TimeSpan? timeToFirstToken)
    {
        var tags = new TagList
        {
            { "creatorchat.transport", transport },
            { "creatorchat.status", status },
            { "creatorchat.outcome", outcome ?? "none" },
            { "creatorchat.cached", cached },
        };
        _turns.Add(1, tags);
        _turnDuration.Record(duration.TotalSeconds, tags);
        if (timeToFirstToken is { } ttft)
        {
            _turnTimeToFirstToken.Record(ttft.TotalSeconds, new KeyValuePair<string, object?>("creatorchat.transport", transport),
                new KeyValuePair<string, object?>("creatorchat.cached", cached));
        }
    }

    public void CacheLookup(string result)
    {
        if (result == "hit")
        {
            Interlocked.Increment(ref _cacheHits);
        }
        else if (result == "miss")
        {
            Interlocked.Increment(ref _cacheMisses);
        }

        _cacheLookups.Add(1, new KeyValuePair<string, object?>("creatorchat.cache.result", result));
    }

    public void StreamStarted() => _activeStreams.Add(1);

    public void StreamEnded() => _activeStreams.Add(-1);

    public void RetrievalFailed(string reason) =>
        _retrievalFailures.Add(1, new KeyValuePair<string, object?>("error.type", reason));

    private double ObserveHitRatio()
    {
        var hits = CacheHits;
        var total = hits + CacheMisses;
        return total == 0 ? 0 : (double)hits / total;
    }
}
