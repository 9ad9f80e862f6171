using System.ComponentModel.DataAnnotations;

namespace CreatorChat.Retrieval.Infrastructure.Creators;

/// <summary><c>Retrieval:Creators</c>: how long answers of the creator service are cached.</summary>
public sealed record CreatorDirectoryOptions
{
    public const string Section = "Retrieval:Creators";

    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan FoundTtl { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Short, so a creator created a moment ago becomes usable almost at once.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan NotFoundTtl { get; init; } = TimeSpan.FromSeconds(3);
}
