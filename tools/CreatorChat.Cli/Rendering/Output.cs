using System.Text.Json;
using CreatorChat.Cli.Api;
using Spectre.Console;

namespace CreatorChat.Cli.Rendering;

/// <summary>
/// Standard output: rich renderables through Spectre (colours only where the console has them),
/// and raw text (streamed answers, JSON) straight to the underlying writer, so it is never wrapped
/// or re-styled and stays in order with everything else.
/// </summary>
public sealed class Output(IAnsiConsole console, bool links)
{
    public IAnsiConsole Console => console;

    /// <summary>OSC 8 hyperlinks are clickable here.</summary>
    public bool Links => links;

    public bool Interactive => console.Profile.Capabilities.Interactive;

    public void Write(Spectre.Console.Rendering.IRenderable renderable) => console.Write(renderable);

    public void Markup(string markup) => console.MarkupLine(markup);

    public void Raw(string text)
    {
        var writer = console.Profile.Out.Writer;
        writer.Write(text);
        writer.Flush();
    }

    public void Json<T>(T value) => Raw(JsonSerializer.Serialize(value, ApiJson.Indented) + "\n");

    /// <summary>The <c>--json</c> rule of every command: the API's JSON as it came, else the human rendering.</summary>
    public void Show<T>(T value, bool json, Action human)
    {
        if (json)
        {
            Json(value);
        }
        else
        {
            human();
        }
    }

    /// <summary>Text that links to <paramref name="url"/>: clickable where supported, else followed by the URL.</summary>
    public string Link(string text, string url) => links
        ? $"[link={Spectre.Console.Markup.Escape(url)}]{Spectre.Console.Markup.Escape(text)}[/]"
        : $"{Spectre.Console.Markup.Escape(text)} [blue]{Spectre.Console.Markup.Escape(url)}[/]";
}
