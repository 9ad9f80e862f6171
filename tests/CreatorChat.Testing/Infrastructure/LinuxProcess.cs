namespace CreatorChat.Testing;

public static class LinuxProcess
{
    /// <summary>Whether <paramref name="pid"/> still runs: a zombie has exited, only its parent's wait is missing.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat").Split(')')[^1].TrimStart().FirstOrDefault() is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
