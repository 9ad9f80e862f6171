using System.Text;
using System.Text.RegularExpressions;

namespace CreatorChat.Cli.Ingest;

/// <summary>
/// The caption files named on the command line (files, or folders searched recursively) with the
/// video each one is: from a <c>metadata*.csv</c> beside it when it lists the file, else from the
/// file name. Everything is read before anything is uploaded, so a bad path fails fast.
/// </summary>
public static partial class CaptionFiles
{
    public static readonly IReadOnlyDictionary<string, string> Formats = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".srt"] = "srt",
        [".vtt"] = "vtt",
        [".txt"] = "text",
    };

    public static async Task<IReadOnlyList<CaptionFile>> FindAsync(IEnumerable<string> paths, CancellationToken cancellationToken)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Where(IsCaption).Order(StringComparer.Ordinal));
            }
            else if (File.Exists(path))
            {
                files.Add(IsCaption(path) ? path : throw new CliFailureException($"{path}: not a caption file (.srt, .vtt or .txt)."));
            }
            else
            {
                throw new CliFailureException($"{path}: no such file or folder.");
            }
        }

        var metadata = new Dictionary<string, Dictionary<string, VideoMetadata>>(StringComparer.Ordinal);
        var result = new List<CaptionFile>();
        foreach (var file in files.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal))
        {
            var folder = Path.GetDirectoryName(file)!;
            if (!metadata.TryGetValue(folder, out var rows))
            {
                metadata[folder] = rows = await MetadataCsv.ReadFolderAsync(folder, cancellationToken);
            }

            string transcript;
            try
            {
                transcript = await File.ReadAllTextAsync(file, Encoding.UTF8, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new CliFailureException($"Cannot read {file}: {ex.Message}");
            }

            var name = Path.GetFileName(file);
            var video = rows.GetValueOrDefault(name) ?? FromFileName(name);
            result.Add(new CaptionFile(file, video.VideoId, video.Title, video.Url, Formats[Path.GetExtension(file)], transcript));
        }

        var duplicate = result.GroupBy(f => f.VideoId, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new CliFailureException($"Two files are the same video '{duplicate.Key}': {string.Join(", ", duplicate.Select(f => f.Path))}.");
        }

        return result;
    }

    /// <summary>A video id the API accepts (letters, digits, '-', '_', at most 64) and a title, from a file name.</summary>
    public static VideoMetadata FromFileName(string fileName)
    {
        var stem = Path.GetFileNameWithoutExtension(fileName);
        var id = NotIdCharacters().Replace(stem, "-").Trim('-');
        if (id.Length > 64)
        {
            id = id[..64].TrimEnd('-');
        }

        return new VideoMetadata(id.Length == 0 ? "video" : id, stem, null);
    }

    private static bool IsCaption(string path) => Formats.ContainsKey(Path.GetExtension(path));

    [GeneratedRegex("[^A-Za-z0-9_-]+", RegexOptions.CultureInvariant)]
    private static partial Regex NotIdCharacters();
}
