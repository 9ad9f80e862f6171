namespace CreatorChat.Cli;

/// <summary>The command line itself is wrong (exit code 2).</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>A failure the CLI found on its own side, e.g. an unreadable file (exit code 1).</summary>
public sealed class CliFailureException(string message) : Exception(message);
