using System.ComponentModel.DataAnnotations;

namespace CreatorChat.Retrieval.Model.Chunking;

/// <summary><c>Retrieval:Chunking</c>: how transcripts are cut into passages.</summary>
public sealed record ChunkingOptions : IValidatableObject
{
    public const string Section = "Retrieval:Chunking";

    /// <summary>A chunk stops growing once it reaches this many characters (about 100 spoken words, 40 seconds).</summary>
    [Range(1, 100_000)]
    public int TargetChars { get; init; } = 600;

    /// <summary>No chunk is longer than this; longer sentences are cut at word boundaries.</summary>
    [Range(1, 100_000)]
    public int MaxChars { get; init; } = 1000;

    /// <summary>A last chunk shorter than this joins the one before it when they fit together.</summary>
    [Range(0, 100_000)]
    public int MinChars { get; init; } = 150;

    /// <summary>The last sentence of a chunk is repeated at the start of the next when it is at most this long.</summary>
    [Range(0, 100_000)]
    public int MaxOverlapChars { get; init; } = 200;

    /// <summary>Captions without punctuation (automatic subtitles) get a sentence break after this many words at a cue end.</summary>
    [Range(1, 10_000)]
    public int SoftSentenceWords { get; init; } = 40;

    /// <summary>A pause at least this long between cues ends a sentence.</summary>
    [Range(0.0, 3600.0)]
    public double PauseSeconds { get; init; } = 2.0;

    public static ChunkingOptions Default { get; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (TargetChars > MaxChars)
        {
            yield return new ValidationResult($"{nameof(TargetChars)} ({TargetChars}) may not exceed {nameof(MaxChars)} ({MaxChars}).", [nameof(TargetChars), nameof(MaxChars)]);
        }
    }
}
