namespace CreatorChat.Cli.Config;

/// <summary>What <c>login</c> keeps: the gateway it signed in to and the token pair.</summary>
public sealed record StoredSession(string Url, string Email, string AccessToken, string RefreshToken, DateTimeOffset ExpiresAt);
