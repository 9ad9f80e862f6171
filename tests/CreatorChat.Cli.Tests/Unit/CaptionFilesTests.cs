using CreatorChat.Cli.Config;
using CreatorChat.Cli.Ingest;
using Xunit;

namespace CreatorChat.Cli.Tests.Unit;

public sealed class CaptionFilesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("creatorchat-cli-").FullName;

    [Fact]
    public async Task Metadata_rows_are_matched_by_file_name_and_quoted_cells_keep_their_commas()
    {
        await File.WriteAllTextAsync(Path.Combine(_folder, "metadata.csv"),
            "\uFEFFid,title,link,srt_filename\r\nabc123,\"Tokenizers, part \"\"one\"\"\",https://youtu.be/abc123,subtitles/es/01_tokenizers.srt\r\n");
        await File.WriteAllTextAsync(Path.Combine(_folder, "01_tokenizers.srt"), "1\n00:00:01,000 --> 00:00:02,000\nHi\n");
        await File.WriteAllTextAsync(Path.Combine(_folder, "02 no metadata!.vtt"), "WEBVTT\n\n00:01.000 --> 00:02.000\nHi\n");
        await File.WriteAllTextAsync(Path.Combine(_folder, "notes.md"), "not a caption");

        var files = await CaptionFiles.FindAsync([_folder], CancellationToken.None);

        Assert.Equal(2, files.Count);
        var known = Assert.Single(files, f => f.Format == "srt");
        Assert.Equal(("abc123", "Tokenizers, part \"one\"", "https://youtu.be/abc123"), (known.VideoId, known.Title, known.Url));
        var named = Assert.Single(files, f => f.Format == "vtt");
        Assert.Equal(("02-no-metadata", "02 no metadata!", null), (named.VideoId, named.Title, named.Url));
    }

    [Fact]
    public async Task The_course_data_set_gives_82_distinct_videos_from_its_two_metadata_files()
    {
        var folder = CreatorChat.Testing.BuildInfo.CourseCaptionsFolder;
        var files = await CaptionFiles.FindAsync([folder], CancellationToken.None);

        Assert.Equal(82, files.Count);
        Assert.All(files, f => Assert.NotNull(f.Url));
        Assert.Contains(files, f => f.VideoId == "00GKzGyWFEs" && f.Title == "Welcome to the Hugging Face course");
        Assert.Contains(files, f => f.VideoId == "wVHdVlPScxA");
    }

    [Fact]
    public async Task A_missing_path_fails_before_anything_is_read()
    {
        var error = await Assert.ThrowsAsync<CliFailureException>(() => CaptionFiles.FindAsync([_folder, Path.Combine(_folder, "nope")], CancellationToken.None));
        Assert.Contains("no such file or folder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Long_file_names_become_valid_video_ids() =>
        Assert.Matches("^[A-Za-z0-9_-]{1,64}$", CaptionFiles.FromFileName(new string('x', 80) + " (🤗).srt").VideoId);

    [Fact]
    public async Task The_session_file_is_readable_by_the_user_only()
    {
        var store = new SessionStore(Path.Combine(_folder, "cfg", "creatorchat", "credentials.json"));
        await store.WriteAsync(new StoredSession("http://x/", "a@b.c", "access", "refresh", DateTimeOffset.UnixEpoch), CancellationToken.None);
        await store.WriteAsync(new StoredSession("http://x/", "a@b.c", "access2", "refresh2", DateTimeOffset.UnixEpoch), CancellationToken.None);

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.Path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(store.Path)!));
        }

        Assert.Equal("access2", (await store.ReadAsync(CancellationToken.None))!.AccessToken);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(store.Path)!));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
