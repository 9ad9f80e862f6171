using CreatorChat.Cli.Api;

namespace CreatorChat.Cli.Rendering;

/// <summary>An answer's sources: <c>[n] Title · mm:ss</c>, linked to the video at that second.</summary>
public static class CitationList
{
    public static void Render(Output output, IReadOnlyList<Citation> citations)
    {
        if (citations.Count == 0)
        {
            return;
        }

        output.Markup("");
        foreach (var citation in citations.OrderBy(c => c.Number))
        {
            output.Markup($"[bold][[{citation.Number}]][/] {output.Link(citation.Title, citation.Url)} [dim]· {Times.Position(citation.StartSeconds)}[/]");
        }
    }
}
