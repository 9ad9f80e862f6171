namespace CreatorChat.Cli;

/// <summary>
/// Ctrl+C, routed to whatever is interruptible right now (an answer being written, a prompt)
/// instead of ending the program. With nothing to interrupt, the caller ends the program.
/// </summary>
public sealed class Interrupts
{
    private readonly Lock _gate = new();
    private CancellationTokenSource? _current;

    /// <summary>Makes the next Ctrl+C cancel the returned scope (until it is disposed).</summary>
    public CancellationTokenSource Begin(CancellationToken outer)
    {
        var scope = CancellationTokenSource.CreateLinkedTokenSource(outer);
        lock (_gate)
        {
            _current = scope;
        }

        return scope;
    }

    public void End(CancellationTokenSource scope)
    {
        lock (_gate)
        {
            if (_current == scope)
            {
                _current = null;
            }
        }

        scope.Dispose();
    }

    /// <summary>Cancels the current scope; false when there is none.</summary>
    public bool TryInterrupt()
    {
        lock (_gate)
        {
            if (_current is null)
            {
                return false;
            }

            _current.Cancel();
            _current = null;
            return true;
        }
    }
}
