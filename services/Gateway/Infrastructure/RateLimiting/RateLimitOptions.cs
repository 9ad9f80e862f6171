using System.ComponentModel.DataAnnotations;

namespace CreatorChat.Gateway.Infrastructure.RateLimiting;

/// <summary>Edge limits besides the per-tier chat limits (section <c>RateLimits</c>).</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Login attempts per client IP per minute (credential stuffing).</summary>
    [Range(1, long.MaxValue)]
    public long LoginPerIpPerMinute { get; set; } = 20;

    /// <summary>Failed logins per account per 15 minutes, from anywhere (password guessing).</summary>
    [Range(1, long.MaxValue)]
    public long FailedLoginsPerAccount { get; set; } = 10;

    /// <summary>Registrations per client IP per hour.</summary>
    [Range(1, long.MaxValue)]
    public long RegistrationsPerIpPerHour { get; set; } = 10;

    /// <summary>Any API call per user (or per IP when anonymous) per minute: a floor against floods.</summary>
    [Range(1, long.MaxValue)]
    public long ApiRequestsPerMinute { get; set; } = 600;

    /// <summary>Prefix of every counter key in the shared Redis (one prefix per deployment sharing a Redis).</summary>
    [Required(AllowEmptyStrings = false)]
    public string KeyPrefix { get; set; } = "gw:rl:";

    /// <summary>
    /// How long to wait for a connected Redis before deciding locally. A Redis that misses it is then
    /// skipped by every request (decided locally) until a background probe gets an answer, so a frozen
    /// Redis costs one timeout, not one per request. A disconnected Redis is skipped at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
