using System.ComponentModel.DataAnnotations;

namespace CreatorChat.Retrieval.Infrastructure.Embeddings;

/// <summary><c>Retrieval:Embeddings</c>, for an OpenAI-compatible model (<c>ConnectionStrings:embeddings</c>): how requests are batched and retried.</summary>
public sealed record OpenAIEmbeddingOptions
{
    public const string Section = EmbeddingOptions.Section;

    /// <summary>Inputs per request (OpenAI accepts up to 2048).</summary>
    [Range(1, 2048)]
    public int MaxBatchInputs { get; init; } = 96;

    /// <summary>Characters per request, a proxy for the provider's token limit per request.</summary>
    [Range(1, 10_000_000)]
    public int MaxBatchChars { get; init; } = 120_000;

    /// <summary>Requests in flight at once from this replica, so one big upload does not trip the provider's rate limit.</summary>
    [Range(1, 64)]
    public int MaxConcurrency { get; init; } = 2;

    /// <summary>Attempts per request when the provider answers 408, 429 or 5xx (the OpenAI client's retry policy, which honours Retry-After).</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; init; } = 6;
}
