using System.ComponentModel.DataAnnotations;

namespace CreatorChat.Retrieval.Infrastructure.Embeddings;

/// <summary>
/// <c>Retrieval:Embeddings</c>: the offline model used when <c>ConnectionStrings:embeddings</c> is not set
/// (<c>arctic-xs</c>, the default; <c>minilm</c>; or <c>lexical</c>, the hashed lexical embedder, of <see cref="Dimensions"/>).
/// </summary>
public sealed record EmbeddingOptions
{
    public const string Section = "Retrieval:Embeddings";

    /// <summary>Chosen on the HF-course question set (tools/CreatorChat.Benchmarks retrieval-quality): see the README.</summary>
    public const string DefaultOfflineModel = "arctic-xs";

    public const string Lexical = "lexical";

    [Required]
    public string Model { get; init; } = DefaultOfflineModel;

    /// <summary>Vector length of the <c>lexical</c> model (the sentence models have their own).</summary>
    [Range(8, 65_536)]
    public int Dimensions { get; init; } = HashingEmbeddingGenerator.DefaultDimensions;

    public bool IsLexical => string.Equals(Model, Lexical, StringComparison.OrdinalIgnoreCase);
}
