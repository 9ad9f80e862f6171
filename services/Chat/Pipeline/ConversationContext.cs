using System.Collections.Frozen;
using CreatorChat.Chat.Model;
using CreatorChat.Chat.Text;

namespace CreatorChat.Chat.Pipeline;

/// <summary>
/// Decides which earlier turns a question needs. A follow-up ("and how long should it rest?",
/// "why is that?") means nothing alone: it is searched together with the previous question and
/// the model sees the recent turns. A standalone question is answered on its own, which keeps
/// retrieval focused and lets the answer cache serve it.
/// </summary>
public static class ConversationContext
{
    private static readonly FrozenSet<string> Anaphora = new[]
    {
        "it", "its", "that", "this", "those", "these", "they", "them", "their", "he", "she", "him", "her", "there", "then",
        "one", "ones", "same", "above", "previous", "earlier", "else", "more", "instead",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly string[] Openers =
        ["and ", "but ", "so ", "also ", "what about", "how about", "why ", "then ", "what else", "anything else", "can you explain", "tell me more", "more on", "or "];

    public static bool IsFollowUp(string question)
    {
        var words = TextAnalysis.Words(question);
        if (words.Count == 0)
        {
            return false;
        }

        if (words.Count <= 3)
        {
            return true; // "why?", "how long?", "and sourdough?"
        }

        var lower = string.Join(' ', words) + " ";
        if (Openers.Any(o => lower.StartsWith(o, StringComparison.Ordinal)))
        {
            return true;
        }

        return words.Count <= 12 && words.Any(Anaphora.Contains);
    }

    /// <summary>The turns to give the model with <paramref name="question"/> (oldest first; empty for a standalone question).</summary>
    public static IReadOnlyList<HistoryTurn> Select(IReadOnlyList<HistoryTurn> history, string question, int maxMessages)
    {
        if (history.Count == 0 || maxMessages <= 0 || !IsFollowUp(question))
        {
            return [];
        }

        return history.Skip(Math.Max(0, history.Count - maxMessages)).ToList();
    }

    /// <summary>What to search for: the question, preceded by the previous question when it is a follow-up.</summary>
    public static string SearchQuery(IReadOnlyList<HistoryTurn> context, string question)
    {
        var previous = context.LastOrDefault(t => t.Role == MessageRoles.User)?.Content;
        return previous is null ? question.Trim() : TextAnalysis.Truncate(previous.Trim(), 400) + "\n" + question.Trim();
    }

    /// <summary>The context's part of the answer-cache key (empty for standalone questions).</summary>
    public static string CacheKey(IReadOnlyList<HistoryTurn> context) =>
        string.Join('\u001E', context.Select(t => t.Role + ":" + TextAnalysis.NormalizeQuestion(t.Content)));
}
