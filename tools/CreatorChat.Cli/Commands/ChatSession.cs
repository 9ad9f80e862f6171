using CreatorChat.Cli.Api;
using CreatorChat.Cli.Rendering;
using Spectre.Console;

namespace CreatorChat.Cli.Commands;

/// <summary>
/// The interactive chat: a line is a question, a line starting with <c>/</c> a command. Ctrl+C
/// stops the answer being written (or clears the prompt), never the session; <c>/quit</c> or end
/// of input leaves.
/// </summary>
public sealed class ChatSession(CliContext context, CreatorChatClient client, string creator, Guid? conversationId)
{
    private const string Help = "/new starts over · /history shows this conversation · /feedback up|down [comment] rates the last answer · /usage · /quit";
    private Guid? _conversationId = conversationId;
    private Guid? _lastAnswerId;

    private Output Output => context.Output;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        Output.Markup($"Chatting with [bold]{Markup.Escape(creator)}[/]{(_conversationId is { } c ? $" (conversation {c})" : "")}. Ctrl+C stops an answer.");
        Output.Markup($"[dim]{Markup.Escape(Help)}[/]");
        while (!cancellationToken.IsCancellationRequested)
        {
            var line = await ReadLineAsync(cancellationToken);
            if (line is null)
            {
                break;
            }

            line = line.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (!line.StartsWith('/'))
            {
                await AskAsync(line, cancellationToken);
                continue;
            }

            try
            {
                if (!await CommandAsync(line, cancellationToken))
                {
                    break;
                }
            }
            catch (ApiException ex) when (ex.Status != System.Net.HttpStatusCode.Unauthorized)
            {
                await context.Environment.Error.WriteLineAsync($"creatorchat: {ErrorReport.From(ex, client.BaseUrl).Message}");
            }
        }

        return ExitCodes.Ok;
    }

    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var scope = context.Environment.Interrupts.Begin(cancellationToken);
        try
        {
            return Output.Interactive
                ? await Output.Console.PromptAsync(new TextPrompt<string>("[bold]you>[/]").AllowEmpty(), scope.Token)
                : await context.Environment.Input.ReadLineAsync(scope.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Output.Markup("[dim](type /quit to leave)[/]");
            return "";
        }
        finally
        {
            context.Environment.Interrupts.End(scope);
        }
    }

    private async Task AskAsync(string question, CancellationToken cancellationToken)
    {
        var scope = context.Environment.Interrupts.Begin(cancellationToken);
        try
        {
            Output.Markup($"[bold]{Markup.Escape(creator)}>[/]");
            var answer = await AnswerStream.AskAsync(Output, client, new ChatRequest(creator, question, _conversationId), scope.Token);
            _conversationId = answer.Turn.ConversationId ?? _conversationId;
            _lastAnswerId = answer.Turn.MessageId;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Output.Markup("[yellow](stopped)[/]");
        }
        catch (ApiException ex) when (ex.Status != System.Net.HttpStatusCode.Unauthorized)
        {
            // One failed question (a 429, an unknown creator, a failed answer) does not end the session.
            var report = ErrorReport.From(ex, client.BaseUrl);
            await context.Environment.Error.WriteLineAsync($"creatorchat: {report.Message}");
        }
        finally
        {
            context.Environment.Interrupts.End(scope);
        }
    }

    /// <summary>Runs a slash command; false to leave the session.</summary>
    private async Task<bool> CommandAsync(string line, CancellationToken cancellationToken)
    {
        var parts = line.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        switch (parts[0].ToLowerInvariant())
        {
            case "/quit" or "/exit" or "/q":
                return false;
            case "/new":
                _conversationId = null;
                _lastAnswerId = null;
                Output.Markup("New conversation.");
                break;
            case "/history":
                await HistoryAsync(cancellationToken);
                break;
            case "/feedback":
                await FeedbackAsync(parts, cancellationToken);
                break;
            case "/usage":
                var me = await client.MeAsync(cancellationToken);
                Output.Markup($"Messages this month: {AccountView.Usage(me.Usage.MessagesThisMonth, me.Usage.MonthlyQuota)}; requests this hour: {AccountView.Usage(me.Usage.RequestsThisHour, me.Usage.HourlyLimit)} ({Markup.Escape(me.Tier)}).");
                break;
            case "/help" or "/?":
                Output.Markup(Markup.Escape(Help));
                break;
            default:
                Output.Markup($"Unknown command {Markup.Escape(parts[0])}. {Markup.Escape(Help)}");
                break;
        }

        return true;
    }

    private async Task HistoryAsync(CancellationToken cancellationToken)
    {
        if (_conversationId is not { } id)
        {
            Output.Markup("No conversation yet: ask something first.");
            return;
        }

        foreach (var message in await client.MessagesAsync(id, cancellationToken))
        {
            var who = message.Role == "user" ? "you" : creator;
            Output.Markup($"[bold]{Markup.Escape(who)}>[/] {Markup.Escape(message.Content)}");
            CitationList.Render(Output, message.Citations);
        }
    }

    private async Task FeedbackAsync(string[] parts, CancellationToken cancellationToken)
    {
        int? rating = parts.Length > 1 ? parts[1].ToLowerInvariant() switch { "up" or "+" or "+1" => 1, "down" or "-" or "-1" => -1, _ => null } : null;
        if (rating is null)
        {
            Output.Markup("Usage: /feedback up|down [comment]");
            return;
        }

        if (_lastAnswerId is not { } answer)
        {
            Output.Markup("No answer to rate yet.");
            return;
        }

        await client.FeedbackAsync(answer, new FeedbackRequest(rating.Value, parts.Length > 2 ? parts[2] : null), cancellationToken);
        Output.Markup("Thanks for the feedback.");
    }
}
