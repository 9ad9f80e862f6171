using System.Text.Json;
using CreatorChat.Cli.Api;
using CreatorChat.Cli.Rendering;
using Spectre.Console.Testing;
using Xunit;

namespace CreatorChat.Cli.Tests.Unit;

public class RenderingTests
{
    private static readonly Citation[] Citations =
    [
        new(2, "tiZFewofSLM", "The pipeline function", 3725.4, "https://youtu.be/tiZFewofSLM?t=3725", "q"),
        new(1, "00GKzGyWFEs", "Welcome to the Hugging Face course", 65.9, "https://youtu.be/00GKzGyWFEs?t=65", "q"),
    ];

    [Fact]
    public void Citations_are_numbered_in_order_with_title_time_and_the_url_when_links_are_not_supported()
    {
        var console = new TestConsole().Width(160);
        CitationList.Render(new Output(console, links: false), Citations);

        var lines = console.Lines.Where(l => l.Length > 0).ToList();
        Assert.Equal("[1] Welcome to the Hugging Face course https://youtu.be/00GKzGyWFEs?t=65 · 01:05", lines[0].TrimEnd());
        Assert.Equal("[2] The pipeline function https://youtu.be/tiZFewofSLM?t=3725 · 1:02:05", lines[1].TrimEnd());
    }

    [Fact]
    public void Citations_are_osc8_hyperlinks_where_the_terminal_supports_them()
    {
        var console = new TestConsole().Width(160).EmitAnsiSequences();
        console.Profile.Capabilities.Links = true;
        CitationList.Render(new Output(console, links: true), Citations);

        Assert.Contains("\u001b]8;", console.Output, StringComparison.Ordinal);
        Assert.Contains("https://youtu.be/00GKzGyWFEs?t=65", console.Output, StringComparison.Ordinal);
        Assert.Contains("Welcome to the Hugging Face course", console.Output, StringComparison.Ordinal);
        // The URL is the link target, not printed as text after the title.
        Assert.DoesNotContain("course https://", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Creators_table_shows_every_creator_and_escapes_markup()
    {
        var console = new TestConsole().Width(120);
        console.Write(Tables.Creators([new CreatorSummary("kitchen-lab", "Kitchen [Lab]", "Food science", null, 1234), new CreatorSummary("hf", "HF", null, null, 0)]));

        Assert.Contains("kitchen-lab", console.Output, StringComparison.Ordinal);
        Assert.Contains("Kitchen [Lab]", console.Output, StringComparison.Ordinal);
        Assert.Contains("1,234", console.Output, StringComparison.Ordinal);
        Assert.Contains("hf", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Stats_table_flattens_nested_figures()
    {
        var console = new TestConsole().Width(120);
        using var json = JsonDocument.Parse("""{"users":3,"cache_hit_rate":0.5,"chat":{"active_streams":2},"unavailable":["retrieval"]}""");
        console.Write(Tables.Stats(json.RootElement));

        Assert.Contains("chat.active_streams", console.Output, StringComparison.Ordinal);
        Assert.Contains("retrieval", console.Output, StringComparison.Ordinal);
        Assert.Contains("0.5", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_output_is_snake_case_and_never_wrapped()
    {
        var console = new TestConsole().Width(20);
        new Output(console, links: false).Json(new[] { new CreatorSummary("a-very-long-creator-slug-indeed", "Name", null, "a description longer than the console is wide", 1) });

        var parsed = JsonDocument.Parse(console.Output).RootElement;
        Assert.Equal("a-very-long-creator-slug-indeed", parsed[0].GetProperty("slug").GetString());
        Assert.Equal(1, parsed[0].GetProperty("video_count").GetInt32());
        Assert.Equal("a description longer than the console is wide", parsed[0].GetProperty("description").GetString());
    }

    [Theory]
    [InlineData(0, "00:00")]
    [InlineData(65.9, "01:05")]
    [InlineData(599, "09:59")]
    [InlineData(3600, "1:00:00")]
    [InlineData(-3, "00:00")]
    public void Positions_read_as_minutes_and_seconds(double seconds, string expected) => Assert.Equal(expected, Times.Position(seconds));

    [Fact]
    public void Links_are_only_assumed_on_terminals_known_to_support_them()
    {
        static CliEnvironment Env(bool terminal, params (string, string)[] vars) => new()
        {
            Variables = vars.ToDictionary(v => v.Item1, v => (string?)v.Item2),
            Error = TextWriter.Null,
            Input = TextReader.Null,
            IsTerminal = terminal,
        };

        Assert.True(TerminalLinks.Supported(Env(true, ("TERM_PROGRAM", "iTerm.app"))));
        Assert.True(TerminalLinks.Supported(Env(true, ("VTE_VERSION", "7200"))));
        Assert.False(TerminalLinks.Supported(Env(true, ("TERM", "xterm"))));
        Assert.False(TerminalLinks.Supported(Env(false, ("TERM_PROGRAM", "iTerm.app"))));
        Assert.False(TerminalLinks.Supported(Env(true, ("VTE_VERSION", "7200"), ("CREATORCHAT_LINKS", "0"))));
    }
}
