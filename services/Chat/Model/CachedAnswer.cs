namespace CreatorChat.Chat.Model;

/// <summary>An answer as the cache keeps it: everything a fan saw, nothing about who asked.</summary>
public sealed record CachedAnswer(string Text, IReadOnlyList<Citation> Citations, string Outcome, double? TopScore, string Model);

public enum CacheResult
{
    Hit,
    Miss,
    Unavailable,
}
