using CreatorChat.Chat.Infrastructure;
using CreatorChat.Chat.Model;
using CreatorChat.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreatorChat.Chat.Apis;

/// <summary>For the gateway's admin stats: platform-wide numbers, whichever replica answers.</summary>
public static class InternalStatsApi
{
    public static IEndpointRouteBuilder MapInternalStatsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/internal/v1/stats", GetStats).ExcludeFromDescription().RequireAuthorization(PlatformPolicies.Service);
        return app;
    }

    /// <remarks>
    /// <c>cache_hit_rate</c> is the share of answers served from the cache over the last 24 hours
    /// (from the stored messages, so it covers every replica); <c>active_streams</c> adds up the
    /// answers in progress on every live replica.
    /// </remarks>
    public static async Task<Ok<StatsView>> GetStats(InsightsQueries insights, ActiveStreams streams, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var stats = await insights.StatsAsync(timeProvider.GetUtcNow().AddHours(-24), cancellationToken);
        var active = await streams.CountAllAsync();
        return TypedResults.Ok(new StatsView(stats.Conversations, stats.Messages24h, Math.Round(stats.CacheHitRate ?? 0, 4), active));
    }
}
