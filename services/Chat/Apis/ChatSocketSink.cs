using System.Text;
using CreatorChat.Chat.Model;
using CreatorChat.Chat.Pipeline;

namespace CreatorChat.Chat.Apis;

/// <summary>Collects a burst of text into one <c>chunk</c> frame per flush.</summary>
internal sealed class ChatSocketSink(ChatSocketSession session) : ITurnSink
{
    private readonly StringBuilder _pending = new();

    public ValueTask DeltaAsync(string text, CancellationToken cancellationToken)
    {
        _pending.Append(text);
        return default;
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_pending.Length > 0)
        {
            var text = _pending.ToString();
            _pending.Clear();
            await session.SendAsync(new { type = "chunk", text }, cancellationToken);
        }
    }

    public async ValueTask CompleteAsync(TurnResult result, CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        await session.SendAsync(new { type = "citations", citations = result.Citations.Select(CitationView.From).ToList() }, cancellationToken);
        session.MarkDelivered(); // before the frame: the client may answer it faster than this method returns
        await session.SendAsync(new
        {
            type = "complete",
            conversation_id = result.ConversationId,
            message_id = result.AnswerId,
            cached = result.Cached,
            degraded = result.Degraded,
            status = result.Status,
            usage = UsageView.From(result.Usage),
        }, cancellationToken);
    }

    public async ValueTask FailAsync(TurnResult result, CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        session.MarkDelivered();
        await session.SendAsync(new { type = "error", detail = result.ErrorDetail, conversation_id = result.ConversationId, message_id = result.AnswerId }, cancellationToken);
    }
}
