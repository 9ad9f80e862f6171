using CreatorChat.Chat.Model;

namespace CreatorChat.Chat.Pipeline;

/// <summary>What one turn has produced so far, so that however it ends the right answer is saved.</summary>
internal sealed class TurnState
{
    public CitationTracker? Tracker { get; set; }
    public string? FixedText { get; set; }
    public IReadOnlyList<Citation>? FixedCitations { get; set; }
    public double? TopScore { get; set; }
    public bool Delivered { get; set; }
    public TimeSpan? TimeToFirstToken { get; set; }

    /// <summary>The answer as saved: once saved, a client that vanishes afterwards changes nothing.</summary>
    public TurnResult? Saved { get; set; }
}
