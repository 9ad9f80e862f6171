namespace CreatorChat.Gateway.Infrastructure.RateLimiting;

/// <summary>The answer to "may this go through?", with what the X-RateLimit-* headers report.</summary>
/// <param name="Scope">Which limit decided: <c>hourly</c>, <c>monthly</c>, or a named fixed-window limit.</param>
public sealed record RateLimitDecision(bool Allowed, string Scope, long Limit, long Remaining, TimeSpan ResetAfter)
{
    public long ResetSeconds => Math.Max(1, (long)Math.Ceiling(ResetAfter.TotalSeconds));
}

/// <summary>Counters of one user, for <c>/auth/me</c>.</summary>
public sealed record UsageCounters(long RequestsThisHour, long MessagesThisMonth);
