namespace CreatorChat.Cli.Api;

public sealed record TokenPair(string AccessToken, string TokenType, int ExpiresIn, string RefreshToken);

public sealed record Usage(long MessagesThisMonth, long? MonthlyQuota, long RequestsThisHour, long HourlyLimit);

public sealed record Me(Guid Id, string Email, string? Name, string Role, string Tier, Usage Usage);
