using System.Text;
using CreatorChat.Testing;

namespace CreatorChat.Retrieval.Tests.Support;

/// <summary>One of the 82 real caption files of the Hugging Face course, with its YouTube video id.</summary>
public sealed record HfVideo(string VideoId, string Title, string Url, string Path);

/// <summary>
/// The real data sets (<see cref="BuildInfo.DataFolder"/>): read in place, never copied into the
/// repository. Tests that need it are skipped, saying why, when it is absent.
/// </summary>
public static class SharedData
{
    public static string RepositoryRoot { get; } = BuildInfo.FindRepositoryRoot();

    public static string Folder => BuildInfo.DataFolder;

    public static string SubtitlesFolder => BuildInfo.CourseEnglishCaptionsFolder;

    public static string QdrantSpecPath => Path.Combine(Folder, "qdrant-openapi", "v1.19.x", "openapi.json");

    public static string? MissingSubtitles =>
        File.Exists(Path.Combine(SubtitlesFolder, "metadata.csv")) ? null : $"Skipped: the HF course subtitles are not at {SubtitlesFolder}";

    public static string? MissingQdrantSpec => File.Exists(QdrantSpecPath) ? null : $"Skipped: the Qdrant OpenAPI spec is not at {QdrantSpecPath}";

    /// <summary>All caption files with their ids, from metadata.csv and metadata_tasks.csv (matched by file name).</summary>
    public static IReadOnlyList<HfVideo> HfCourseVideos()
    {
        var videos = new List<HfVideo>();
        foreach (var metadata in new[] { "metadata.csv", "metadata_tasks.csv" })
        {
            var lines = File.ReadAllLines(Path.Combine(SubtitlesFolder, metadata), Encoding.UTF8);
            var header = ParseCsvLine(lines[0]);
            int Column(string name) => header.IndexOf(name) is var i and >= 0 ? i : throw new InvalidDataException($"{metadata} has no '{name}' column");
            var (id, title, link, file) = (Column("id"), Column("title"), Column("link"), Column("srt_filename"));
            foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
            {
                var fields = ParseCsvLine(line);
                // srt_filename points at subtitles/es/ in metadata.csv; the English files share the base names.
                var path = Path.Combine(SubtitlesFolder, Path.GetFileName(fields[file]));
                videos.Add(new HfVideo(fields[id], fields[title], fields[link], path));
            }
        }

        return videos;
    }

    public static List<string> ParseCsvLine(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        fields.Add(field.ToString());
        return fields;
    }
}

/// <summary>A fact skipped, with the reason, when ../shared/data/hf-course-subtitles is absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresSubtitlesFactAttribute : FactAttribute
{
    public RequiresSubtitlesFactAttribute() => Skip = SharedData.MissingSubtitles;
}

/// <summary>A fact skipped, with the reason, when ../shared/data/qdrant-openapi is absent.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresQdrantSpecFactAttribute : FactAttribute
{
    public RequiresQdrantSpecFactAttribute() => Skip = SharedData.MissingQdrantSpec;
}

public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task<T> WaitAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, TimeSpan timeout, string what, int intervalMs = 50)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last;
        while (true)
        {
            last = await probe();
            if (condition(last))
            {
                return last;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for {what}; last value: {last}");
            }

            await Task.Delay(intervalMs);
        }
    }
}
