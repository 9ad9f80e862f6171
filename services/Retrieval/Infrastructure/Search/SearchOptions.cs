using System.ComponentModel.DataAnnotations;
using CreatorChat.Retrieval.Model.Search;

namespace CreatorChat.Retrieval.Infrastructure.Search;

/// <summary><c>Retrieval:Search</c>: what a search may ask for, and how it ranks.</summary>
public sealed record SearchOptions : IValidatableObject
{
    public const string Section = "Retrieval:Search";

    /// <summary>Results when the caller does not say how many.</summary>
    [Range(1, 1000)]
    public int DefaultK { get; init; } = 5;

    [Range(1, 1000)]
    public int MaxK { get; init; } = 50;

    [Range(1, 100_000)]
    public int MaxQueryLength { get; init; } = 1000;

    [EnumDataType(typeof(SearchMode))]
    public SearchMode Mode { get; init; } = SearchMode.Hybrid;

    // Copies: the binder sets configured values on the instance it finds here, which must not be the shared defaults.
    [Required]
    public RankFusion Fusion { get; init; } = RankFusion.Default with { };

    [Required]
    public SearchConfidence Confidence { get; init; } = SearchConfidence.Default with { };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (DefaultK > MaxK)
        {
            yield return new ValidationResult($"{nameof(DefaultK)} ({DefaultK}) may not exceed {nameof(MaxK)} ({MaxK}).", [nameof(DefaultK), nameof(MaxK)]);
        }

        if (Fusion.K < 0)
        {
            yield return new ValidationResult($"{nameof(Fusion)}.{nameof(RankFusion.K)} must be 0 or more.", [nameof(Fusion)]);
        }

        if (Fusion.Candidates < 1)
        {
            yield return new ValidationResult($"{nameof(Fusion)}.{nameof(RankFusion.Candidates)} must be at least 1.", [nameof(Fusion)]);
        }

        if (!float.IsFinite(Fusion.SemanticWeight) || !float.IsFinite(Fusion.LexicalWeight) || Fusion.SemanticWeight < 0 || Fusion.LexicalWeight < 0 ||
            Fusion.SemanticWeight + Fusion.LexicalWeight <= 0)
        {
            yield return new ValidationResult(
                $"{nameof(Fusion)}.{nameof(RankFusion.SemanticWeight)} and .{nameof(RankFusion.LexicalWeight)} must be 0 or more, and not both 0.", [nameof(Fusion)]);
        }
    }
}
