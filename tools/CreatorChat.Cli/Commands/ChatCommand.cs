using System.CommandLine;
using CreatorChat.Cli.Api;

namespace CreatorChat.Cli.Commands;

/// <summary><c>chat slug [message]</c>: one answer, streamed, or an interactive session.</summary>
public static class ChatCommand
{
    public static Command Create(CliContext context, CommonOptions common)
    {
        var slug = CommonOptions.Slug();
        var message = new Argument<string[]>("message") { Description = "Your question; without one, an interactive session starts", Arity = ArgumentArity.ZeroOrMore };
        var conversation = new Option<string?>("--conversation", "-c") { Description = "Continue this conversation (its id)" };
        var command = new Command("chat", "Chat with a creator") { slug, message, conversation, common.Json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var creator = parse.GetValue(slug)!;
            var conversationId = parse.GetValue(conversation) is { } text
                ? Guid.TryParse(text, out var id) ? id : throw new UsageException($"--conversation: '{text}' is not a conversation id.")
                : (Guid?)null;
            using var client = await context.ClientAsync(parse.GetValue(common.Url), cancellationToken);
            var words = parse.GetValue(message) ?? [];
            if (words.Length == 0)
            {
                if (parse.GetValue(common.Json))
                {
                    throw new UsageException("--json needs a message (it is for one-shot answers).");
                }

                return await new ChatSession(context, client, creator, conversationId).RunAsync(cancellationToken);
            }

            var request = new ChatRequest(creator, string.Join(' ', words), conversationId);
            if (parse.GetValue(common.Json))
            {
                context.Output.Json(await client.ChatAsync(request, cancellationToken));
                return ExitCodes.Ok;
            }

            var answer = await AnswerStream.AskAsync(context.Output, client, request, cancellationToken);
            if (answer.Turn.ConversationId is { } started && conversationId is null && context.Environment.IsTerminal)
            {
                context.Output.Markup($"[dim]Continue with: creatorchat chat {creator} --conversation {started} \"…\"[/]");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
