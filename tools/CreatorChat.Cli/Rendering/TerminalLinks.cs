namespace CreatorChat.Cli.Rendering;

/// <summary>
/// Whether the terminal makes OSC 8 hyperlinks clickable. There is no way to ask a terminal, so
/// this follows the variables the terminals that do support them set; elsewhere the URL is printed.
/// <c>CREATORCHAT_LINKS=1|0</c> overrides.
/// </summary>
public static class TerminalLinks
{
    public static bool Supported(CliEnvironment environment)
    {
        if (!environment.IsTerminal || environment.Variable("TERM") == "dumb")
        {
            return false;
        }

        if (environment.Variable("CREATORCHAT_LINKS") is { } setting)
        {
            return setting is "1" or "true" or "yes";
        }

        var program = environment.Variable("TERM_PROGRAM");
        var term = environment.Variable("TERM") ?? "";
        return program is "iTerm.app" or "WezTerm" or "vscode" or "ghostty" or "Hyper"
            || environment.Variable("WT_SESSION") is not null
            || environment.Variable("VTE_VERSION") is not null
            || environment.Variable("KONSOLE_VERSION") is not null
            || environment.Variable("KITTY_WINDOW_ID") is not null
            || term.Contains("kitty", StringComparison.Ordinal) || term.Contains("alacritty", StringComparison.Ordinal)
            || term.Contains("foot", StringComparison.Ordinal) || term.Contains("ghostty", StringComparison.Ordinal);
    }
}
