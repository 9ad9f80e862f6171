namespace CreatorChat.Chat.Model;

/// <summary>
/// Where a claim in an answer comes from: the video, the second its passage starts (the URL opens
/// the video there) and the sentence of the transcript that supports it. <see cref="Number"/> is
/// the <c>[n]</c> marker in the answer text; citations are listed in marker order, so the
/// <c>n</c>-th citation is <c>[n]</c>.
/// </summary>
public sealed record Citation(int Number, string VideoId, string Title, double StartSeconds, string Url, string Quote);

/// <summary>One retrieved transcript passage as the prompt numbers it (<c>[Number]</c>).</summary>
public sealed record Passage(
    int Number, string VideoId, string Title, double StartSeconds, double EndSeconds, string Text, double Score, string Url);

/// <summary>What a turn became: kept with the assistant message and shown in creators' insights.</summary>
public static class TurnOutcomes
{
    /// <summary>The answer cites at least one passage.</summary>
    public const string Answered = "answered";

    /// <summary>The videos did not cover the question (no passage cited).</summary>
    public const string NotCovered = "not_covered";

    /// <summary>Retrieval was down or too slow; the bot said so honestly.</summary>
    public const string RetrievalUnavailable = "retrieval_unavailable";
}

public static class MessageStatuses
{
    public const string Complete = "complete";
    public const string Stopped = "stopped";
    public const string Failed = "failed";
}

public static class MessageRoles
{
    public const string User = "user";
    public const string Assistant = "assistant";
}

/// <summary>A previous turn given to the model as context.</summary>
public sealed record HistoryTurn(string Role, string Content);
