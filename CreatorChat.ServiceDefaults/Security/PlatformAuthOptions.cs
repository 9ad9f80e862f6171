using System.ComponentModel.DataAnnotations;

namespace CreatorChat.ServiceDefaults.Security;

/// <summary>Configuration section <c>Jwt</c>, shared by every service (the key comes from a secret).</summary>
public sealed class PlatformAuthOptions
{
    public const string Section = "Jwt";

    /// <summary>HMAC-SHA256 key, at least 32 bytes. Required outside Development.</summary>
    public string? SigningKey { get; set; }

    [Required(AllowEmptyStrings = false)]
    public string Issuer { get; set; } = "creatorchat";

    [Range(typeof(TimeSpan), "00:00:30", "1.00:00:00")]
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    [Range(typeof(TimeSpan), "00:00:30", "01:00:00")]
    public TimeSpan ServiceTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);
}
