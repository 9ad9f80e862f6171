using System.Security.Claims;
using CreatorChat.Chat.Infrastructure;
using CreatorChat.Chat.Model;
using CreatorChat.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CreatorChat.Chat.Apis;

/// <summary>
/// What fans ask a creator, for the creator (owner) and admins: the most asked questions and the
/// ones the videos could not answer (no passage cited, or only weak matches), with counts. Question
/// texts are shown; who asked them never is.
/// </summary>
public static class InsightsApi
{
    public const int DefaultDays = 30;
    public const int MaxDays = 365;
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    public static IEndpointRouteBuilder MapInsightsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/creators/{slug}/insights", GetInsights)
            .WithName("CreatorInsights")
            .WithTags("Creators")
            .WithSummary("Most asked questions and the ones the videos could not answer (owner or admin)")
            .RequireAuthorization();
        return app;
    }

    public static async Task<Results<Ok<InsightsView>, ValidationProblem, ProblemHttpResult>> GetInsights(
        [FromRoute(Name = "slug")] string creatorSlug, ClaimsPrincipal user, CreatorDirectory creators, InsightsQueries insights, IOptions<ChatServiceOptions> options,
        TimeProvider timeProvider, CancellationToken cancellationToken, int? days = null, int? limit = null)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (days is < 1 or > MaxDays)
        {
            errors["days"] = [$"Must be between 1 and {MaxDays}."];
        }

        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"Must be between 1 and {MaxLimit}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var lookup = await creators.FindAsync(creatorSlug, cancellationToken);
        if (lookup.Status == LookupStatus.Unavailable)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Creator unavailable",
                detail: "The creator's profile cannot be loaded right now. Please try again shortly.");
        }

        // Not the owner (nor an admin) looks exactly like an unknown creator.
        if (lookup.Creator is not { } creator || !user.CanManage(creator.OwnerId))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Creator not found", detail: $"No creator '{creatorSlug}'.");
        }

        var since = timeProvider.GetUtcNow().AddDays(-(days ?? DefaultDays));
        var (totals, top, unanswered) = await insights.InsightsAsync(creator.Slug, since, limit ?? DefaultLimit, options.Value.LowConfidenceScore, cancellationToken);
        return TypedResults.Ok(new InsightsView(
            creator.Slug, since, totals.Questions, totals.Answered, totals.NotCovered, totals.RetrievalUnavailable, totals.ThumbsUp, totals.ThumbsDown,
            top.Select(ToView).ToList(), unanswered.Select(ToView).ToList()));
    }

    private static QuestionView ToView(QuestionStat stat) => new(stat.Example, stat.Count, stat.LastAskedAt, stat.BestScore);
}
