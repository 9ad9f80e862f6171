using System.Globalization;

namespace CreatorChat.Gateway.Infrastructure.RateLimiting;

/// <summary>Calendar windows in UTC: a user's hour and month start and end at the same instant on every replica.</summary>
public static class RateLimitWindows
{
    public static (string Id, DateTimeOffset End) Hour(DateTimeOffset now)
    {
        var start = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        return (start.ToString("yyyyMMddHH", CultureInfo.InvariantCulture), start.AddHours(1));
    }

    public static (string Id, DateTimeOffset End) Month(DateTimeOffset now)
    {
        var start = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        return (start.ToString("yyyyMM", CultureInfo.InvariantCulture), start.AddMonths(1));
    }

    /// <summary>A fixed window of any length, aligned to the Unix epoch.</summary>
    public static (string Id, DateTimeOffset End) Fixed(DateTimeOffset now, TimeSpan length)
    {
        var index = now.ToUnixTimeMilliseconds() / (long)length.TotalMilliseconds;
        return (index.ToString(CultureInfo.InvariantCulture), DateTimeOffset.FromUnixTimeMilliseconds((index + 1) * (long)length.TotalMilliseconds));
    }
}
