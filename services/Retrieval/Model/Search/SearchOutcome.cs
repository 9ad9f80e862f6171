namespace CreatorChat.Retrieval.Model.Search;

public sealed record SearchOutcome(long KnowledgeVersion, IReadOnlyList<SearchResult> Results)
{
    /// <summary>The best result's <see cref="SearchResult.Confidence"/>; 0 without results.</summary>
    public double Confidence => Results.Count == 0 ? 0 : Results.Max(r => r.Confidence);
}
