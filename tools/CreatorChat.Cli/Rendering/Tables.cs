using System.Globalization;
using System.Text.Json;
using CreatorChat.Cli.Api;
using Spectre.Console;

namespace CreatorChat.Cli.Rendering;

/// <summary>The listings as tables.</summary>
public static class Tables
{
    public static Table Creators(IReadOnlyList<CreatorSummary> creators)
    {
        var table = New("Slug", "Name", "Specialty", "Videos");
        table.Columns[3].RightAligned();
        foreach (var c in creators)
        {
            table.AddRow(Esc(c.Slug), Esc(c.Name), Esc(c.Specialty), Number(c.VideoCount));
        }

        return table;
    }

    public static Table Videos(IReadOnlyList<Video> videos)
    {
        var table = New("Video", "Title", "Chunks", "Status");
        table.Columns[2].RightAligned();
        foreach (var v in videos)
        {
            var status = v.Status switch
            {
                VideoStatuses.Ready => "[green]ready[/]",
                VideoStatuses.Failed => $"[red]failed[/] {Esc(v.Error)}",
                var s => $"[yellow]{Esc(s)}[/]",
            };
            table.AddRow(Esc(v.VideoId), Esc(v.Title), Number(v.ChunkCount), status);
        }

        return table;
    }

    public static Table Search(IReadOnlyList<SearchHit> hits, Output output)
    {
        var table = New("#", "Video", "At", "Score", "Passage");
        foreach (var (hit, i) in hits.Select((h, i) => (h, i + 1)))
        {
            table.AddRow(Number(i), output.Link(hit.Title, hit.Url), Times.Position(hit.StartSeconds),
                hit.Score.ToString("0.00", CultureInfo.InvariantCulture), Esc(hit.Text));
        }

        return table;
    }

    public static Table Questions(string title, IReadOnlyList<QuestionStat> questions)
    {
        var table = New("Question", "Asked", "Last asked").Title(Esc(title));
        table.Columns[1].RightAligned();
        foreach (var q in questions)
        {
            table.AddRow(Esc(q.Question), Number(q.Count), q.LastAskedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
        }

        return table;
    }

    public static Table Users(IReadOnlyList<User> users)
    {
        var table = New("Id", "Email", "Name", "Role", "Tier", "State");
        foreach (var u in users)
        {
            table.AddRow(u.Id.ToString(), Esc(u.Email), Esc(u.Name), Esc(u.Role), Esc(u.Tier), u.Disabled ? "[red]disabled[/]" : "active");
        }

        return table;
    }

    public static Table Audit(IReadOnlyList<AuditEntry> entries)
    {
        var table = New("When", "Event", "Actor", "Subject", "IP", "Details");
        foreach (var e in entries)
        {
            table.AddRow(e.OccurredAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), Esc(e.Event), Esc(e.ActorId?.ToString()),
                Esc(e.SubjectId?.ToString()), Esc(e.Ip), Esc(e.Details.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? "" : e.Details.GetRawText()));
        }

        return table;
    }

    /// <summary>Platform statistics: one row per figure, nested objects flattened with dots.</summary>
    public static Table Stats(JsonElement stats)
    {
        var table = New("Figure", "Value");
        table.Columns[1].RightAligned();
        foreach (var (name, value) in Flatten("", stats))
        {
            table.AddRow(Esc(name), Esc(value));
        }

        return table;
    }

    private static IEnumerable<(string Name, string Value)> Flatten(string prefix, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in element.EnumerateObject())
                {
                    foreach (var row in Flatten(prefix.Length == 0 ? p.Name : $"{prefix}.{p.Name}", p.Value))
                    {
                        yield return row;
                    }
                }

                break;
            case JsonValueKind.Array:
                yield return (prefix, string.Join(", ", element.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText())));
                break;
            case JsonValueKind.String:
                yield return (prefix, element.GetString() ?? "");
                break;
            case JsonValueKind.Null:
                yield return (prefix, "–");
                break;
            default:
                yield return (prefix, element.GetRawText());
                break;
        }
    }

    private static Table New(params string[] columns)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn($"[bold]{column}[/]"));
        }

        return table;
    }

    private static string Esc(string? text) => Markup.Escape(text ?? "");

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
