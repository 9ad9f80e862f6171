using System.Reflection;

namespace CreatorChat.Testing;

public static class BuildInfo
{
    /// <summary>Debug or Release: the services are launched from the same configuration's output.</summary>
    public static string Configuration { get; } =
        typeof(BuildInfo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "BuildConfiguration")?.Value ?? "Debug";

    public static string FindRepositoryRoot(string? start = null)
    {
        var directory = new DirectoryInfo(start ?? AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CreatorChat.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("CreatorChat.sln not found above " + (start ?? AppContext.BaseDirectory));
    }

    /// <summary>
    /// The real data sets tests and benchmarks read in place (never copied into the repository): <c>CREATORCHAT_DATA</c>
    /// when set, else the <c>shared/data</c> folder that CI places beside the clone.
    /// </summary>
    public static string DataFolder => Data.Value;

    // Lazy: only a caller that needs the data looks for the repository (BuildInfo.Configuration must work anywhere).
    private static readonly Lazy<string> Data = new(() =>
        Environment.GetEnvironmentVariable("CREATORCHAT_DATA") is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.GetFullPath(Path.Combine(FindRepositoryRoot(), "..", "shared", "data")));

    /// <summary>The Hugging Face course's captions: 82 videos, with their metadata files.</summary>
    public static string CourseCaptionsFolder => Path.Combine(DataFolder, "hf-course-subtitles");

    /// <summary>The course's English caption files themselves.</summary>
    public static string CourseEnglishCaptionsFolder => Path.Combine(CourseCaptionsFolder, "subtitles", "en");
}
