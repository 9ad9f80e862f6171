using Microsoft.Extensions.AI;

namespace CreatorChat.Chat.Model;

/// <summary>A passage as the prompt shows it: its marker number, its video's title, where it starts and its text (one line each).</summary>
public sealed record PromptPassage(int Number, string Title, string Start, string End, string Text);

/// <summary>What the system prompt tells the model about the creator and the passages, as data.</summary>
public sealed record PromptContext(string? CreatorName, string? Specialty, IReadOnlyList<PromptPassage> Passages)
{
    public static readonly PromptContext Empty = new(null, null, []);
}

/// <summary>
/// Rides on the system message beside its text, for a model that reads data rather than prose (the
/// offline model). It is not text: the OpenAI-compatible client sends only a message's text parts,
/// so an LLM reads exactly the prompt and nothing more.
/// </summary>
public sealed class PromptContextContent(PromptContext context) : AIContent
{
    public PromptContext Context { get; } = context;
}
