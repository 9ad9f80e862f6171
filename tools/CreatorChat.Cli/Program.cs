using CreatorChat.Cli;
using Spectre.Console;

var environment = CliEnvironment.FromProcess();
var console = AnsiConsole.Create(new AnsiConsoleSettings
{
    // Colours, bars and prompts only on a terminal; NO_COLOR is honoured by Spectre.
    Ansi = environment.IsTerminal ? AnsiSupport.Detect : AnsiSupport.No,
    ColorSystem = environment.IsTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
    Interactive = environment.IsTerminal && !Console.IsInputRedirected ? InteractionSupport.Detect : InteractionSupport.No,
    Out = new AnsiConsoleOutput(Console.Out),
});

if (!environment.IsTerminal)
{
    // Piped output is not wrapped at a made-up 80 columns.
    console.Profile.Width = 1000;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl+C: stop the answer (or prompt) in progress, else end cleanly; a second one ends at once.
    if (stop.IsCancellationRequested)
    {
        return;
    }

    e.Cancel = true;
    if (!environment.Interrupts.TryInterrupt())
    {
        stop.Cancel();
    }
};

return await CliApp.RunAsync(args, console, environment, stop.Token);
