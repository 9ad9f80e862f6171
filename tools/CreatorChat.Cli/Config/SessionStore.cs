using System.Text.Json;
using CreatorChat.Cli.Api;

namespace CreatorChat.Cli.Config;

/// <summary>
/// The signed-in session on disk, readable by the user only (0600 in a 0700 directory). Written to
/// a temporary file created with those permissions and moved over the old one, so a reader never
/// sees half a file and the tokens are never world-readable, not even for a moment.
/// </summary>
public sealed class SessionStore(string path)
{
    private const UnixFileMode UserOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode UserOnlyDirectory = UserOnly | UnixFileMode.UserExecute;

    public string Path => path;

    public async Task<StoredSession?> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var file = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync<StoredSession>(file, ApiJson.Options, cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (JsonException)
        {
            // A damaged file is as good as none: the user signs in again.
            return null;
        }
    }

    public async Task WriteAsync(StoredSession session, CancellationToken cancellationToken)
    {
        var directory = System.IO.Path.GetDirectoryName(path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UserOnlyDirectory);
        }

        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UserOnly;
        }

        try
        {
            await using (var file = new FileStream(temporary, options))
            {
                await JsonSerializer.SerializeAsync(file, session, ApiJson.Options, cancellationToken);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    public bool Delete()
    {
        if (!File.Exists(path))
        {
            return false;
        }

        File.Delete(path);
        return true;
    }
}
