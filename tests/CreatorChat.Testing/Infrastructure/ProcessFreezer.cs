using System.Runtime.InteropServices;

namespace CreatorChat.Testing;

/// <summary>
/// Freezes a server the way a hung host does: SIGSTOP on the process and its children (PostgreSQL's
/// backends), so it still holds its port and accepts connections but never answers; SIGCONT thaws it.
/// </summary>
public static class ProcessFreezer
{
    private const int SigStop = 19;
    private const int SigCont = 18;

    public static void Freeze(int processId) => Signal(processId, SigStop);

    public static void Thaw(int processId) => Signal(processId, SigCont);

    private static void Signal(int processId, int signal)
    {
        foreach (var id in WithDescendants(processId))
        {
            _ = Kill(id, signal);
        }
    }

    private static List<int> WithDescendants(int processId)
    {
        var all = new List<int> { processId };
        for (var i = 0; i < all.Count; i++)
        {
            var children = $"/proc/{all[i]}/task/{all[i]}/children";
            if (File.Exists(children))
            {
                all.AddRange(File.ReadAllText(children).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse));
            }
        }

        return all;
    }

    [DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
}
