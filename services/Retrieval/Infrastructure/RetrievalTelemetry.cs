using System.Diagnostics;
using System.Diagnostics.Metrics;
using CreatorChat.Retrieval.Model;

namespace CreatorChat.Retrieval.Infrastructure;

/// <summary>The retrieval service's own spans and metrics (exported by ServiceDefaults under <c>CreatorChat.*</c>).</summary>
public sealed class RetrievalTelemetry
{
    public const string Name = "CreatorChat.Retrieval";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Counter<long> _jobs;
    private readonly Histogram<double> _jobDuration;
    private readonly Counter<long> _cues;
    private readonly Histogram<double> _searchDuration;
    private readonly Counter<long> _reembedded;
    private volatile ReembeddingProgress? _reembedding;

    public RetrievalTelemetry(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Name);
        _jobs = meter.CreateCounter<long>("creatorchat.retrieval.ingestion.jobs", description: "Ingestion jobs finished, by outcome.");
        _jobDuration = meter.CreateHistogram<double>("creatorchat.retrieval.ingestion.duration", unit: "s", description: "Time to process one ingestion job.");
        _cues = meter.CreateCounter<long>("creatorchat.retrieval.ingestion.cues", description: "Caption cues ingested.");
        _searchDuration = meter.CreateHistogram<double>("creatorchat.retrieval.search.duration", unit: "s", description: "Search latency, by vector store.");
        _reembedded = meter.CreateCounter<long>("creatorchat.retrieval.reembedding.videos", description: "Videos re-embedded into a new embedding space by this replica.");
        meter.CreateObservableGauge("creatorchat.retrieval.reembedding.in_progress", () => _reembedding is null ? 0 : 1,
            description: "1 while stored passages are being re-embedded for a changed embedding model.");
        meter.CreateObservableGauge("creatorchat.retrieval.reembedding.progress", () => _reembedding?.Fraction ?? 1,
            description: "Share of searchable videos the new embedding space holds (1 when no re-embedding runs).");
    }

    public void JobFinished(string outcome, TimeSpan elapsed, int cues)
    {
        _jobs.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        _jobDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
        if (cues > 0)
        {
            _cues.Add(cues);
        }
    }

    /// <summary>The re-embedding's progress as last read (null: none running).</summary>
    public void Reembedding(ReembeddingProgress? progress) => _reembedding = progress;

    public void Reembedded(int videos) => _reembedded.Add(videos);

    public void Searched(string store, TimeSpan elapsed) =>
        _searchDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("store", store));
}
