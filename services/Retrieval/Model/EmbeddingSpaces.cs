namespace CreatorChat.Retrieval.Model;

/// <summary>The model that made a set of vectors and their length: vectors of two spaces are not comparable.</summary>
public sealed record EmbeddingSpace(string Model, int Dimensions)
{
    public override string ToString() => $"{Model} ({Dimensions} dimensions)";
}

/// <summary>The life of an embedding space (a vector collection of one embedding model and dimension).</summary>
public static class SpaceStates
{
    /// <summary>Search answers from it; at most one.</summary>
    public const string Active = "active";

    /// <summary>Being filled with re-embedded passages for the configured model; at most one. Its row is the re-embedding job.</summary>
    public const string Building = "building";

    /// <summary>Replaced (or abandoned before it was complete); its collection is dropped after a grace period.</summary>
    public const string Retired = "retired";

    /// <summary>Its collection is gone; the row stays as history.</summary>
    public const string Dropped = "dropped";
}

/// <summary>A row of <c>embedding_spaces</c>.</summary>
public sealed record EmbeddingSpaceRow
{
    public long Id { get; init; }
    public required string Collection { get; init; }
    public required string Model { get; init; }
    public int Dimensions { get; init; }
    public required string State { get; init; }
    public int VideosDone { get; init; }
    public int VideosTotal { get; init; }
    public string? LeaseOwner { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RetiredAt { get; init; }
}

/// <summary>One video's searchable generation that a building space does not hold yet.</summary>
public sealed record PendingVideo(string CreatorSlug, string VideoId, Guid Generation);

/// <summary>How far a re-embedding is: videos whose active generation the new space holds, of all searchable videos.</summary>
public sealed record ReembeddingProgress(int Done, int Total)
{
    public double Fraction => Total == 0 ? 1 : (double)Done / Total;
}

public enum SwitchOutcome
{
    /// <summary>The building space is now active; the old one is retired.</summary>
    Switched,

    /// <summary>Videos were activated meanwhile that the new space does not hold yet: keep going.</summary>
    Incomplete,

    /// <summary>This replica no longer holds the job, or the space was abandoned.</summary>
    Lost,
}
