namespace CreatorChat.Cli;

/// <summary>What scripts can rely on: the process exit codes.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int NotSignedIn = 3;
    public const int RateLimited = 4;
}
