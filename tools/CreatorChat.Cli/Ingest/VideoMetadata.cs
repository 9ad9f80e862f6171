using System.Text;

namespace CreatorChat.Cli.Ingest;

/// <summary>One row of a <c>metadata*.csv</c>: which video a caption file is.</summary>
public sealed record VideoMetadata(string VideoId, string Title, string? Url);

/// <summary>
/// Reads the <c>metadata*.csv</c> files beside caption files (header row; columns <c>id</c> or
/// <c>video_id</c>, <c>title</c>, <c>link</c> or <c>url</c>, and the caption file in
/// <c>srt_filename</c>, <c>filename</c> or <c>file</c>). Rows are matched to files by file name
/// only: the published data set's paths point at another language's folder.
/// </summary>
public static class MetadataCsv
{
    private static readonly string[] IdColumns = ["id", "video_id", "videoid"];
    private static readonly string[] TitleColumns = ["title", "name"];
    private static readonly string[] UrlColumns = ["link", "url"];
    private static readonly string[] FileColumns = ["srt_filename", "vtt_filename", "filename", "file", "path", "caption_file"];

    public static async Task<Dictionary<string, VideoMetadata>> ReadFolderAsync(string folder, CancellationToken cancellationToken)
    {
        var byFile = new Dictionary<string, VideoMetadata>(StringComparer.OrdinalIgnoreCase);
        foreach (var csv in Directory.EnumerateFiles(folder, "metadata*.csv").Order(StringComparer.Ordinal))
        {
            string text;
            try
            {
                text = await File.ReadAllTextAsync(csv, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new CliFailureException($"Cannot read {csv}: {ex.Message}");
            }

            foreach (var (file, metadata) in Parse(text, csv))
            {
                byFile[file] = metadata;
            }
        }

        return byFile;
    }

    public static IEnumerable<(string File, VideoMetadata Metadata)> Parse(string text, string source)
    {
        var rows = Rows(text).ToList();
        if (rows.Count == 0)
        {
            yield break;
        }

        var header = rows[0].Select(h => h.Trim().ToLowerInvariant()).ToList();
        int Column(string[] names) => header.FindIndex(names.Contains);
        var (id, title, url, file) = (Column(IdColumns), Column(TitleColumns), Column(UrlColumns), Column(FileColumns));
        if (id < 0 || file < 0)
        {
            throw new CliFailureException($"{source}: needs an 'id' and an 'srt_filename' (or 'filename') column.");
        }

        foreach (var row in rows.Skip(1))
        {
            string Cell(int i) => i >= 0 && i < row.Count ? row[i].Trim() : "";
            if (Cell(id).Length == 0 || Cell(file).Length == 0)
            {
                continue;
            }

            var name = Path.GetFileName(Cell(file).Replace('\\', '/'));
            yield return (name, new VideoMetadata(Cell(id), Cell(title).Length > 0 ? Cell(title) : Path.GetFileNameWithoutExtension(name), Cell(url) is { Length: > 0 } u ? u : null));
        }
    }

    /// <summary>RFC 4180 rows: quoted cells may hold commas, quotes ("") and new lines.</summary>
    private static IEnumerable<List<string>> Rows(string text)
    {
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        var start = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(cell.ToString());
                cell.Clear();
            }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                row.Add(cell.ToString());
                cell.Clear();
                if (row.Any(v => v.Length > 0))
                {
                    yield return row;
                }

                row = [];
            }
            else
            {
                cell.Append(c);
            }
        }

        row.Add(cell.ToString());
        if (row.Any(v => v.Length > 0))
        {
            yield return row;
        }
    }
}
