namespace CreatorChat.Chat.Model;

// The OpenAI Chat Completions wire format, as /v1 speaks it (snake_case through the API's JSON options).

public sealed record OpenAiModel(string Id, string Object, long Created, string OwnedBy);

public sealed record OpenAiModelList(string Object, IReadOnlyList<OpenAiModel> Data);

public sealed record OpenAiError(string Message, string Type, string? Param, string Code);

public sealed record OpenAiCompletion(
    string Id, string Object, long Created, string Model, IReadOnlyList<OpenAiChoice> Choices, OpenAiUsage Usage, string? SystemFingerprint,
    IReadOnlyList<CitationView> Citations, bool Cached);

public sealed record OpenAiChoice(int Index, OpenAiAssistantMessage Message, object? Logprobs, string FinishReason);

public sealed record OpenAiAssistantMessage(string Role, string Content, string? Refusal);

public sealed record OpenAiUsage(long PromptTokens, long CompletionTokens, long TotalTokens)
{
    public static OpenAiUsage From(TokenUsage? usage) => new(usage?.InputTokens ?? 0, usage?.OutputTokens ?? 0,
        usage?.TotalTokens ?? ((usage?.InputTokens ?? 0) + (usage?.OutputTokens ?? 0)));
}

/// <summary>A validated <c>/v1/chat/completions</c> request.</summary>
public sealed record CompletionRequest(string CreatorSlug, string Question, IReadOnlyList<HistoryTurn> History, bool Stream, bool IncludeUsage, int? MaxTokens);

public sealed record OpenAiChunk(
    string Id, string Object, long Created, string Model, IReadOnlyList<OpenAiChunkChoice> Choices, OpenAiUsage? Usage,
    IReadOnlyList<CitationView>? Citations, bool? Cached);

public sealed record OpenAiChunkChoice(int Index, OpenAiChunkDelta Delta, object? Logprobs, string? FinishReason);

public sealed record OpenAiChunkDelta(string? Role, string? Content);

public sealed record OpenAiErrorChunk(OpenAiError Error);
