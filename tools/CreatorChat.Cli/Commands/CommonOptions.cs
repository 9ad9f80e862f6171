using System.CommandLine;

namespace CreatorChat.Cli.Commands;

/// <summary>Options several commands share.</summary>
public sealed class CommonOptions
{
    public Option<string?> Url { get; } = new("--url")
    {
        Description = "Gateway URL (default: CREATORCHAT_URL, else where you signed in, else http://127.0.0.1:5300)",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json") { Description = "Print JSON instead of a table" };

    public static Argument<string> Slug() => new("slug") { Description = "The creator's slug, e.g. kitchen-lab" };
}
