namespace CreatorChat.Testing;

/// <summary>Throwaway folders of the fixtures.</summary>
public static class TemporaryFolder
{
    /// <summary>Deletes the folder if it can; the OS cleans the temp folder eventually, so a busy or locked one is left.</summary>
    public static void DeleteQuietly(string? path)
    {
        if (path is null)
        {
            return;
        }

        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }
}
