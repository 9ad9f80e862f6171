namespace CreatorChat.Cli;

/// <summary>
/// Everything the CLI takes from the process besides the console: environment variables, standard
/// error and input, whether output is a terminal, and Ctrl+C. Tests build one in memory.
/// </summary>
public sealed class CliEnvironment
{
    public required IReadOnlyDictionary<string, string?> Variables { get; init; }

    public required TextWriter Error { get; init; }

    public required TextReader Input { get; init; }

    /// <summary>Standard output is a terminal: colours, progress bars and prompts are allowed.</summary>
    public bool IsTerminal { get; init; }

    public Interrupts Interrupts { get; init; } = new();

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>How often ingestion polls the platform (tests shorten it).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    public string? Variable(string name) =>
        Variables.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

    public static CliEnvironment FromProcess() => new()
    {
        Variables = System.Environment.GetEnvironmentVariables()
            .Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal),
        Error = Console.Error,
        Input = Console.In,
        IsTerminal = !Console.IsOutputRedirected,
    };
}
