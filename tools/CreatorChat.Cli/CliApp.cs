using System.CommandLine;
using CreatorChat.Cli.Commands;
using CreatorChat.Cli.Rendering;
using Spectre.Console;

namespace CreatorChat.Cli;

/// <summary>The whole CLI as one call: parse, run, and turn every failure into one line on stderr and an exit code.</summary>
public static class CliApp
{
    public static async Task<int> RunAsync(string[] args, IAnsiConsole console, CliEnvironment environment, CancellationToken cancellationToken)
    {
        var context = new CliContext(new Output(console, TerminalLinks.Supported(environment)), environment);
        var parse = Root(context).Parse(args);
        if (parse.Errors.Count > 0)
        {
            // The most specific error: an unknown word explains a missing command better than "required command".
            var error = parse.Errors.FirstOrDefault(e => e.SymbolResult is not System.CommandLine.Parsing.CommandResult) ?? parse.Errors[^1];
            await environment.Error.WriteLineAsync($"creatorchat: {OneLine(error.Message)}");

            await environment.Error.WriteLineAsync("Run 'creatorchat --help' for usage.");
            return ExitCodes.Usage;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration
            {
                Output = console.Profile.Out.Writer,
                Error = environment.Error,
                EnableDefaultExceptionHandler = false,
                // Ctrl+C is the program's to route (see Interrupts), not System.CommandLine's.
                ProcessTerminationTimeout = null,
            }, cancellationToken);
        }
        catch (Exception ex)
        {
            var report = ErrorReport.From(ex, context.GatewayUrl);
            await environment.Error.WriteLineAsync($"creatorchat: {OneLine(report.Message)}");
            return report.ExitCode;
        }
    }

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static RootCommand Root(CliContext context)
    {
        var common = new CommonOptions();
        var root = new RootCommand("CreatorChat from the terminal: chat with a creator, upload captions, check usage, administer users.")
        {
            common.Url,
        };
        foreach (var command in AccountCommands.Create(context, common))
        {
            root.Add(command);
        }

        root.Add(CreatorsCommand.Create(context, common));
        root.Add(ChatCommand.Create(context, common));
        root.Add(IngestCommand.Create(context, common));
        foreach (var command in KnowledgeCommands.Create(context, common))
        {
            root.Add(command);
        }

        root.Add(AdminCommands.Create(context, common));
        return root;
    }
}
