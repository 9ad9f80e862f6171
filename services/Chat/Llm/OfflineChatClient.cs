using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using CreatorChat.Chat.Model;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace CreatorChat.Chat.Llm;

/// <summary>
/// The built-in model: no download, no network. It takes what the pipeline's system prompt says (the
/// creator's identity and the numbered passages) from the data riding on it
/// (<see cref="PromptContextContent"/>), composes a first-person answer from the passages' most
/// relevant sentences with their markers (see <see cref="OfflineAnswerComposer"/>), and streams it
/// word by word. Token counts are estimates (about four characters a token).
/// </summary>
public sealed partial class OfflineChatClient(IOptions<OfflineModelOptions> options, TimeProvider timeProvider) : IChatClient
{
    public const string ModelId = "creatorchat-offline-1";
    public const string ProviderName = "creatorchat-offline";

    private readonly ChatClientMetadata _metadata = new(ProviderName, null, ModelId);

    [GeneratedRegex(@"\S+\s*", RegexOptions.CultureInvariant)]
    private static partial Regex Tokens();

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? chatOptions = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var context = list.Where(m => m.Role == ChatRole.System).SelectMany(m => m.Contents).OfType<PromptContextContent>().LastOrDefault()?.Context
                      ?? PromptContext.Empty;
        var userTurns = list.Where(m => m.Role == ChatRole.User).Select(m => m.Text).ToList();
        var question = userTurns.Count > 0 ? userTurns[^1] : "";
        var previous = userTurns.Count > 1 ? userTurns[^2] : null;
        var answer = OfflineAnswerComposer.Compose(context, question, previous);

        var responseId = "offline-" + Guid.CreateVersion7(timeProvider.GetUtcNow()).ToString("N");
        var createdAt = timeProvider.GetUtcNow();
        var maxTokens = chatOptions?.MaxOutputTokens ?? int.MaxValue;
        var delay = options.Value.TokenDelay;
        var emitted = 0;
        var finish = ChatFinishReason.Stop;
        foreach (Match token in Tokens().Matches(answer))
        {
            if (emitted >= maxTokens)
            {
                finish = ChatFinishReason.Length;
                break;
            }

            if (delay > TimeSpan.Zero && emitted > 0)
            {
                await Task.Delay(delay, timeProvider, cancellationToken);
            }

            cancellationToken.ThrowIfCancellationRequested();
            emitted++;
            yield return new ChatResponseUpdate(ChatRole.Assistant, token.Value)
            {
                ResponseId = responseId,
                MessageId = responseId,
                ModelId = ModelId,
                CreatedAt = createdAt,
            };
        }

        var input = list.Sum(m => (long)m.Text.Length) / 4 + 1;
        yield return new ChatResponseUpdate
        {
            Role = ChatRole.Assistant,
            ResponseId = responseId,
            MessageId = responseId,
            ModelId = ModelId,
            CreatedAt = createdAt,
            FinishReason = finish,
            Contents = [new UsageContent(new UsageDetails { InputTokenCount = input, OutputTokenCount = emitted, TotalTokenCount = input + emitted })],
        };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? _metadata
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    public void Dispose()
    {
    }
}
