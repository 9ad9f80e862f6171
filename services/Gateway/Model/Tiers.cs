namespace CreatorChat.Gateway.Model;

/// <summary>Chat limits per tier (docs/ARCHITECTURE.md, "Public API in brief"); a null monthly quota is unlimited.</summary>
public sealed record TierLimits(string Tier, long HourlyRequests, long? MonthlyMessages);

public static class Tiers
{
    public const string Free = "free";
    public const string Premium = "premium";
    public const string Enterprise = "enterprise";

    public static readonly IReadOnlyList<string> All = [Free, Premium, Enterprise];

    public static TierLimits LimitsFor(string tier) => tier switch
    {
        Premium => new(Premium, 500, 10_000),
        Enterprise => new(Enterprise, 5_000, null),
        _ => new(Free, 50, 1_000),
    };
}
