using System.ComponentModel.DataAnnotations;

namespace CreatorChat.Retrieval.Infrastructure.Knowledge;

/// <summary><c>Retrieval:Reporting</c>: pushing each creator's counts to the creator service.</summary>
public sealed record KnowledgeReportingOptions
{
    public const string Section = "Retrieval:Reporting";

    public bool Enabled { get; init; } = true;

    /// <summary>How often unreported counts are retried when nothing wakes the reporter.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(30);
}
