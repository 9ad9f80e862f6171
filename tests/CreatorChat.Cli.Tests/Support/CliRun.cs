using System.Text.Json.Nodes;
using Spectre.Console.Testing;

namespace CreatorChat.Cli.Tests.Support;

/// <summary>What one in-process run of the CLI printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Output, string Error)
{
    public JsonNode Json() => JsonNode.Parse(Output) ?? throw new InvalidOperationException("No JSON printed.");

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

/// <summary>Runs the CLI through its entry point with an in-memory console, environment and config folder.</summary>
public sealed class CliRunner(string configFolder, IReadOnlyDictionary<string, string?> variables)
{
    public string ConfigFolder => configFolder;

    public async Task<CliResult> RunAsync(string[] args, string input = "", Interrupts? interrupts = null, TextReader? reader = null)
    {
        using var console = new TestConsole().Width(160);
        var error = new StringWriter();
        var all = new Dictionary<string, string?>(variables) { ["XDG_CONFIG_HOME"] = configFolder };
        var environment = new CliEnvironment
        {
            Variables = all,
            Error = error,
            Input = reader ?? new StringReader(input),
            IsTerminal = false,
            Interrupts = interrupts ?? new Interrupts(),
            PollInterval = TimeSpan.FromMilliseconds(250),
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var code = await CliApp.RunAsync(args, console, environment, timeout.Token);
        return new CliResult(code, console.Output, error.ToString());
    }

    public Task<CliResult> RunAsync(params string[] args) => RunAsync(args, "");
}
