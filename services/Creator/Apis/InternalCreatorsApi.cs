using CreatorChat.Creator.Infrastructure;
using CreatorChat.Creator.Model;
using CreatorChat.ServiceDefaults.Model;
using CreatorChat.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreatorChat.Creator.Apis;

/// <summary>
/// Service-to-service routes: service tokens only. The gateway never forwards <c>/internal/**</c>,
/// and the network policies only let other CreatorChat services reach this one.
/// </summary>
public static class InternalCreatorsApi
{
    public static IEndpointRouteBuilder MapInternalCreatorsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/internal/v1/creators/{slug}", GetProfile).ExcludeFromDescription().RequireAuthorization(PlatformPolicies.Service);
        app.MapGet("/internal/v1/stats", GetStats).ExcludeFromDescription().RequireAuthorization(PlatformPolicies.Service);
        app.MapPut("/internal/v1/creators/{slug}/knowledge", ReportKnowledge).ExcludeFromDescription().RequireAuthorization(PlatformPolicies.Service);
        return app;
    }

    /// <summary>
    /// The retrieval service owns videos; it pushes each creator's searchable video count here with its
    /// knowledge version after every change (and retries until this answers), so the public creator list
    /// shows <c>video_count</c> without calling retrieval and keeps working when retrieval is down.
    /// </summary>
    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> ReportKnowledge(
        string slug, KnowledgeCountsReport report, CreatorRepository repository, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (report.VideoCount is not >= 0)
        {
            errors["video_count"] = ["Required, at least 0."];
        }

        if (report.KnowledgeVersion is not >= 0)
        {
            errors["knowledge_version"] = ["Required, at least 0."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var known = CreatorSlug.IsValid(slug) &&
                    await repository.ReportKnowledgeAsync(slug, report.VideoCount!.Value, report.KnowledgeVersion!.Value, cancellationToken);
        return known ? TypedResults.NoContent() : CreatorsApi.NotFound(slug);
    }

    /// <summary>For the admin stats the gateway aggregates.</summary>
    public static async Task<Ok<CreatorStats>> GetStats(CreatorRepository repository, CancellationToken cancellationToken) =>
        TypedResults.Ok(new CreatorStats(await repository.CountActiveAsync(cancellationToken)));

    public static async Task<Results<Ok<CreatorProfile>, ProblemHttpResult>> GetProfile(
        string slug, CreatorRepository repository, CancellationToken cancellationToken)
    {
        var creator = CreatorSlug.IsValid(slug) ? await repository.FindActiveAsync(slug, cancellationToken) : null;
        return creator is null ? CreatorsApi.NotFound(slug) : TypedResults.Ok(CreatorProfile.From(creator));
    }
}
