using CreatorChat.Creator.Infrastructure;
using CreatorChat.Creator.Model;
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
        return app;
    }

    public static async Task<Results<Ok<CreatorProfile>, ProblemHttpResult>> GetProfile(
        string slug, CreatorRepository repository, CancellationToken cancellationToken)
    {
        var creator = CreatorValidation.IsValidSlug(slug) ? await repository.FindActiveAsync(slug, cancellationToken) : null;
        return creator is null ? CreatorsApi.NotFound(slug) : TypedResults.Ok(CreatorProfile.From(creator));
    }
}
