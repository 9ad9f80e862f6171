using System.ComponentModel.DataAnnotations;

namespace CreatorChat.Chat.Infrastructure;

/// <summary>Configuration section <c>Chat</c>.</summary>
public sealed class ChatServiceOptions
{
    public const string Section = "Chat";

    /// <summary>Passages retrieved per question.</summary>
    [Range(1, 20)]
    public int PassageCount { get; set; } = 5;

    /// <summary>Passages scoring below this are not shown to the model (null: retrieval's own default).</summary>
    [Range(-1.0, 1.0)] // retrieval's cosine similarity
    public double? MinScore { get; set; }

    /// <summary>
    /// Below this search confidence (retrieval's calibrated probability that its best passage answers the question)
    /// the videos don't cover the question: the model gets no passages and says so.
    /// </summary>
    [Range(0.0, 1.0)]
    public double MinConfidence { get; set; } = 0.5;

    /// <summary>Recent turns (user + assistant messages) given to the model for a follow-up question.</summary>
    [Range(0, 100)]
    public int HistoryMessages { get; set; } = 4;

    /// <summary>How long creators' personas and the list of active creators are remembered.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan CreatorCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a creator's knowledge version is trusted without a change notification.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan KnowledgeVersionCacheDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Budget for asking retrieval a creator's knowledge version; past it the turn skips the cache.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan KnowledgeVersionTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a cached answer lives (a knowledge change makes it unreachable at once).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan AnswerCacheDuration { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Budget for one Redis call on the answer path: past it, chat answers without the cache.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan CacheTimeout { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Insights: an answered question whose best passage scored below this counts as low-confidence.</summary>
    [Range(-1.0, 1.0)]
    public double LowConfidenceScore { get; set; } = 0.2;
}
