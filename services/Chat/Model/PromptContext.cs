using System.Text.Json;
using Microsoft.Extensions.AI;

namespace CreatorChat.Chat.Model;

/// <summary>A passage as the prompt shows it: its marker number, its video's title, where it starts and its text (one line each).</summary>
public sealed record PromptPassage(int Number, string Title, string Start, string End, string Text);

/// <summary>What the system prompt tells the model about the creator and the passages, as data.</summary>
/// <param name="Confidence">Retrieval's calibrated probability (0..1) that passage [1] answers the question; null when it does not say.</param>
public sealed record PromptContext(string? CreatorName, string? Specialty, IReadOnlyList<PromptPassage> Passages, double? Confidence = null)
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

    /// <summary>
    /// JSON for the model pipeline's logging (message contents only at Trace): Microsoft.Extensions.AI's defaults plus
    /// this content type, without which a logged prompt serialises as <c>{}</c>.
    /// </summary>
    public static JsonSerializerOptions LoggingJson { get; } = CreateLoggingJson();

    private static JsonSerializerOptions CreateLoggingJson()
    {
        var options = new JsonSerializerOptions(AIJsonUtilities.DefaultOptions);
        options.AddAIContentType<PromptContextContent>("creatorchat_prompt_context");
        options.MakeReadOnly();
        return options;
    }
}
