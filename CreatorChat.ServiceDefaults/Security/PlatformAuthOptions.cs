namespace CreatorChat.ServiceDefaults.Security;

/// <summary>Configuration section <c>Jwt</c>, shared by every service (the key comes from a secret).</summary>
public sealed class PlatformAuthOptions
{
    public const string Section = "Jwt";

    /// <summary>HMAC-SHA256 key, at least 32 bytes. Required outside Development.</summary>
    public string? SigningKey { get; set; }

    public string Issuer { get; set; } = "creatorchat";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan ServiceTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);
}
