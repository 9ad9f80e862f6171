using CreatorChat.Cli.Api;

namespace CreatorChat.Cli.Ingest;

/// <summary>What ingest does with a file.</summary>
public enum IngestAction
{
    /// <summary>Sent now.</summary>
    Uploaded,

    /// <summary>Already on the platform (same video id and title, searchable or on its way): not sent again.</summary>
    Unchanged,
}

/// <summary>One file's way to being searchable.</summary>
public sealed class IngestItem(CaptionFile file)
{
    public CaptionFile File => file;

    public IngestAction Action { get; set; } = IngestAction.Uploaded;

    public Guid? JobId { get; set; }

    public string Status { get; set; } = VideoStatuses.Queued;

    public double Progress { get; set; }

    public string? Error { get; set; }

    public bool Finished => Status is VideoStatuses.Ready or VideoStatuses.Failed;
}
