using CreatorChat.Retrieval.Infrastructure.Data;
using CreatorChat.Retrieval.Infrastructure.Search;
using CreatorChat.Retrieval.Model;
using CreatorChat.ServiceDefaults.Model;
using CreatorChat.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CreatorChat.Retrieval.Apis;

/// <summary>
/// Service-to-service routes (service tokens only; the gateway never forwards <c>/internal/**</c>):
/// search for chat, and the knowledge version and counts per creator.
/// </summary>
public static class InternalKnowledgeApi
{
    public static IEndpointRouteBuilder MapInternalKnowledgeApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/internal/v1").ExcludeFromDescription().RequireAuthorization(PlatformPolicies.Service);
        api.MapPost("/search", Search);
        api.MapGet("/creators/{slug}/knowledge", GetKnowledge);
        api.MapGet("/knowledge", ListKnowledge);
        api.MapGet("/stats", GetStats);
        return app;
    }

    /// <summary>
    /// <c>{creator_id, query, k, min_score?}</c> → <c>{knowledge_version, results, confidence}</c>. The creator's existence is
    /// the caller's concern (chat has already loaded it); an unknown creator simply has no knowledge. <c>min_score</c> is
    /// still validated but no longer cuts results (a cut emptied lists): the caller decides on <c>confidence</c>.
    /// </summary>
    public static async Task<Results<Ok<InternalSearchResponse>, ValidationProblem>> Search(
        InternalSearchRequest request, KnowledgeSearch search, SearchOptions options, CancellationToken cancellationToken)
    {
        var errors = KnowledgeApi.ValidateQuery(request.Query, request.K?.ToString(System.Globalization.CultureInfo.InvariantCulture), options, out var k, "query");
        if (!CreatorSlug.IsValid(request.CreatorSlug))
        {
            errors["creator_id"] = ["A creator slug is required."];
        }

        if (request.MinScore is { } min && (!float.IsFinite(min) || min < -1 || min > 1))
        {
            errors["min_score"] = ["Must be between -1 and 1."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var outcome = await search.SearchAsync(request.CreatorSlug!, request.Query!.Trim(), k, cancellationToken);
        return TypedResults.Ok(new InternalSearchResponse(outcome.KnowledgeVersion, outcome.Results, Math.Round(outcome.Confidence, 4)));
    }

    public static async Task<Results<Ok<KnowledgeView>, ProblemHttpResult>> GetKnowledge(
        [FromRoute(Name = "slug")] string creatorSlug, KnowledgeRepository repository, CancellationToken cancellationToken)
    {
        if (!CreatorSlug.IsValid(creatorSlug))
        {
            return KnowledgeApi.CreatorNotFound(creatorSlug);
        }

        return TypedResults.Ok(KnowledgeView.From(await repository.GetKnowledgeAsync(creatorSlug, cancellationToken)));
    }

    /// <summary>Platform totals for the admin stats the gateway aggregates.</summary>
    public static async Task<Ok<RetrievalStats>> GetStats(KnowledgeRepository repository, CancellationToken cancellationToken)
    {
        var states = await repository.ListKnowledgeAsync(null, cancellationToken);
        return TypedResults.Ok(new RetrievalStats(states.Sum(s => (long)s.VideoCount), states.Sum(s => (long)s.ChunkCount)));
    }

    /// <summary>Knowledge of several creators at once (<c>?creator_id=a&amp;creator_id=b</c>), or of all that have any.</summary>
    public static async Task<Ok<IReadOnlyList<KnowledgeView>>> ListKnowledge(
        KnowledgeRepository repository, CancellationToken cancellationToken, [FromQuery(Name = "creator_id")] string[]? creatorSlugs = null)
    {
        var states = await repository.ListKnowledgeAsync(creatorSlugs is { Length: > 0 } ? creatorSlugs : null, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<KnowledgeView>>(states.Select(KnowledgeView.From).ToList());
    }
}
