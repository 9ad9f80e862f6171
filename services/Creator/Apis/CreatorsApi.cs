using System.Security.Claims;
using System.Text.Json;
using CreatorChat.Creator.Infrastructure;
using CreatorChat.Creator.Model;
using CreatorChat.ServiceDefaults.Model;
using CreatorChat.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CreatorChat.Creator.Apis;

public static class CreatorsApi
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 500;

    public static IEndpointRouteBuilder MapCreatorsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/creators").WithTags("Creators");

        api.MapGet("/", ListCreators).WithName("ListCreators");
        api.MapGet("/{slug}", GetCreator).WithName("GetCreator");
        api.MapPost("/", CreateCreator).WithName("CreateCreator").RequireAuthorization(PlatformPolicies.CreatorOrAdmin);
        api.MapPatch("/{slug}", UpdateCreator).WithName("UpdateCreator").Accepts<JsonElement>("application/json").RequireAuthorization();
        api.MapDelete("/{slug}", DeleteCreator).WithName("DeleteCreator").RequireAuthorization();
        return app;
    }

    public static async Task<Results<Ok<IReadOnlyList<PublicCreator>>, ValidationProblem>> ListCreators(
        CreatorRepository repository, CancellationToken cancellationToken, string? after = null, int? limit = null)
    {
        var size = limit ?? DefaultPageSize;
        if (size is < 1 or > MaxPageSize)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"Must be between 1 and {MaxPageSize}."] });
        }

        var creators = await repository.ListActiveAsync(after, size, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<PublicCreator>>(creators.Select(PublicCreator.From).ToList());
    }

    public static async Task<Results<Ok<PublicCreator>, ProblemHttpResult>> GetCreator(
        string slug, CreatorRepository repository, CancellationToken cancellationToken)
    {
        var creator = CreatorSlug.IsValid(slug) ? await repository.FindActiveAsync(slug, cancellationToken) : null;
        return creator is null ? NotFound(slug) : TypedResults.Ok(PublicCreator.From(creator));
    }

    public static async Task<Results<Created<PublicCreator>, ValidationProblem, ProblemHttpResult>> CreateCreator(
        CreateCreatorRequest request, ClaimsPrincipal user, CreatorRepository repository, CancellationToken cancellationToken)
    {
        var errors = CreatorValidation.Validate(request);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var created = await repository.CreateAsync(request, user.GetUserId(), cancellationToken);
        if (created is null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Slug taken",
                detail: $"The slug '{request.Slug}' is already taken.",
                extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["slug"] = ["Already taken."] } });
        }

        return TypedResults.Created($"/api/v1/creators/{created.Slug}", PublicCreator.From(created));
    }

    public static async Task<Results<Ok<PublicCreator>, ValidationProblem, ProblemHttpResult>> UpdateCreator(
        string slug, [FromBody] JsonElement body, ClaimsPrincipal user, CreatorRepository repository, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var patch = CreatorPatch.Parse(body, errors);
        CreatorValidation.Validate(patch, errors);
        if (errors.Count == 0 && patch.IsEmpty)
        {
            errors["body"] = ["Send at least one of name, specialty, description, avatar_url, persona."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (!await CanManageAsync(slug, user, repository, cancellationToken))
        {
            return NotFound(slug);
        }

        var updated = await repository.UpdateAsync(slug, patch, cancellationToken);
        return updated is null ? NotFound(slug) : TypedResults.Ok(PublicCreator.From(updated));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteCreator(
        string slug, ClaimsPrincipal user, CreatorRepository repository, CancellationToken cancellationToken)
    {
        var deleted = await CanManageAsync(slug, user, repository, cancellationToken) && await repository.DeactivateAsync(slug, cancellationToken);
        return deleted ? TypedResults.NoContent() : NotFound(slug);
    }

    // Someone else's creator looks exactly like a missing one: no probing for what exists.
    private static async Task<bool> CanManageAsync(string slug, ClaimsPrincipal user, CreatorRepository repository, CancellationToken cancellationToken)
    {
        var creator = CreatorSlug.IsValid(slug) ? await repository.FindActiveAsync(slug, cancellationToken) : null;
        return creator is not null && user.CanManage(creator.OwnerId);
    }

    internal static ProblemHttpResult NotFound(string slug) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Creator not found", detail: $"No creator '{slug}'.");
}
