using CreatorChat.Cli.Api;
using CreatorChat.Cli.Rendering;

namespace CreatorChat.Cli.Commands;

/// <summary>A finished answer: the turn and what it cited.</summary>
public sealed record AnsweredTurn(ChatDone Turn, IReadOnlyList<Citation> Citations);

/// <summary>Asks once and writes the answer as it streams, then its numbered citations.</summary>
public static class AnswerStream
{
    public static async Task<AnsweredTurn> AskAsync(Output output, CreatorChatClient client, ChatRequest request, CancellationToken cancellationToken)
    {
        IReadOnlyList<Citation> citations = [];
        var wroteText = false;
        try
        {
            await foreach (var item in client.StreamChatAsync(request, cancellationToken))
            {
                switch (item)
                {
                    case ChatEvent.Delta delta:
                        output.Raw(delta.Text);
                        wroteText |= delta.Text.Length > 0;
                        break;
                    case ChatEvent.Citations c:
                        citations = c.Items;
                        break;
                    case ChatEvent.Done done:
                        output.Raw("\n");
                        CitationList.Render(output, citations);
                        return new AnsweredTurn(done.Turn, citations);
                }
            }
        }
        finally
        {
            if (wroteText && cancellationToken.IsCancellationRequested)
            {
                output.Raw("\n");
            }
        }

        throw new ApiException(System.Net.HttpStatusCode.BadGateway, "The answer stopped before it was complete.");
    }
}
