using System.Text;
using CreatorChat.Chat.Model;

namespace CreatorChat.Chat.Llm;

// How the offline model says it: the chosen sentences with their markers, greetings, "not covered", stable wording choices.
public static partial class OfflineAnswerComposer
{
    private static string Write(PromptContext context, string normalizedQuestion, List<Candidate> chosen)
    {
        var groups = chosen
            .GroupBy(c => c.Passage)
            .OrderByDescending(g => g.Max(c => c.Score))
            .Select(g => (Passage: g.Key, Sentences: g.OrderBy(c => c.Index).Select(c => c.Text).ToList()))
            .ToList();

        var answer = new StringBuilder(1024);
        answer.Append(Pick(normalizedQuestion, "Good question!", "Great question — I've talked about this.", "Happy to help with that!"));
        for (var g = 0; g < groups.Count; g++)
        {
            var (passage, sentences) = groups[g];
            var sameVideo = g > 0 && groups[g - 1].Passage.Title == passage.Title;
            answer.Append(' ').Append(g switch
            {
                0 => $"Here's how I put it in \"{passage.Title}\": ",
                _ when sameVideo => "Later in the same video I add: ",
                1 => $"I also get into it in \"{passage.Title}\": ",
                _ => $"And in \"{passage.Title}\": ",
            });
            answer.Append(WithMarker(string.Join(' ', sentences), passage.Number));
        }

        var first = groups[0].Passage;
        answer.Append("\n\nIf you want to see it for yourself, watch \"").Append(first.Title).Append("\" from ").Append(first.Start).Append('.');
        return answer.ToString();
    }

    /// <summary>"… stretch the dough." becomes "… stretch the dough [2]."</summary>
    private static string WithMarker(string text, int number)
    {
        var end = text.Length;
        while (end > 0 && text[end - 1] is '.' or '!' or '?' or '…' or '"' or '\'' or ')' or '\u201D')
        {
            end--;
        }

        var tail = text[end..];
        return $"{text[..end]} [{number}]{(tail.Length == 0 ? "." : tail)}";
    }

    private static string? SmallTalk(PromptContext context, string normalized)
    {
        var words = normalized.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length is 0 or > 6)
        {
            return null;
        }

        if (words[0] is "thanks" or "thank" or "thx" or "cheers" or "ty")
        {
            return Pick(normalized, "You're welcome! Anything else you'd like to know?", "Glad I could help! Ask me anything else about my videos.");
        }

        if (words[0] is "hi" or "hello" or "hey" or "hiya" or "yo" || normalized.StartsWith("good morning", StringComparison.Ordinal) ||
            normalized.StartsWith("good evening", StringComparison.Ordinal))
        {
            return words.Length <= 3 ? Introduce(context) : null;
        }

        return null;
    }

    private static string Introduce(PromptContext context)
    {
        var about = string.IsNullOrEmpty(context.Specialty) ? "" : $" I make videos about {LowerFirst(context.Specialty)}.";
        var name = string.IsNullOrEmpty(context.CreatorName) ? "" : $" I'm {context.CreatorName}.";
        return $"Hi!{name}{about} Ask me anything about my videos and I'll point you to the exact moment I talk about it.";
    }

    private static string NotCovered(PromptContext context, string normalizedQuestion, string? closestTitle)
    {
        var answer = new StringBuilder(Pick(normalizedQuestion,
            "Honestly, I don't think I've covered that in my videos, so I'd rather not guess.",
            "I haven't covered that in my videos, and I don't want to make something up.",
            "That's not something I've talked about in my videos, so I can't give you a reliable answer."));
        if (closestTitle is not null)
        {
            answer.Append(" The closest I've come is \"").Append(closestTitle).Append("\", but it doesn't really answer your question.");
        }
        else if (!string.IsNullOrEmpty(context.Specialty))
        {
            answer.Append(" I mostly talk about ").Append(LowerFirst(context.Specialty)).Append(" — ask me anything about that!");
        }

        return answer.ToString();
    }

    private static string LowerFirst(string text) =>
        text.Length > 1 && char.IsUpper(text[0]) && !char.IsUpper(text[1]) ? char.ToLowerInvariant(text[0]) + text[1..] : text;

    /// <summary>A stable choice (FNV-1a of the question), so the same question always reads the same.</summary>
    private static string Pick(string key, params string[] options)
    {
        var hash = 2166136261u;
        foreach (var c in key)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return options[hash % (uint)options.Length];
    }
}
