namespace CreatorChat.Chat.Model;

public enum LookupStatus
{
    Found,
    NotFound,
    Unavailable,
}

public sealed record CreatorLookup(LookupStatus Status, CreatorProfile? Creator)
{
    public static readonly CreatorLookup NotFound = new(LookupStatus.NotFound, null);
    public static readonly CreatorLookup Unavailable = new(LookupStatus.Unavailable, null);
}
