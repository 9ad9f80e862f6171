using System.Security.Claims;
using System.Text.Json.Nodes;
using CreatorChat.Gateway.Infrastructure;
using CreatorChat.Gateway.Infrastructure.Edge;
using CreatorChat.Gateway.Infrastructure.Identity;
using CreatorChat.Gateway.Model;
using CreatorChat.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreatorChat.Gateway.Apis;

public static class AdminApi
{
    public const int MaxPageSize = 200;

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        // The token's role is not enough: the account must still be an enabled admin now, on every call.
        var api = app.MapGroup("/api/v1/admin").WithTags("Administration").RequireAuthorization(PlatformPolicies.Admin)
            .AddEndpointFilter(async (invocation, next) =>
                await invocation.HttpContext.RequestServices.GetRequiredService<EdgeGuard>().RefuseStaleTokenAsync(invocation.HttpContext) ?? await next(invocation));
        api.MapGet("/users", ListUsers).WithName("ListUsers");
        api.MapPatch("/users/{id:guid}", UpdateUser).WithName("UpdateUser");
        api.MapGet("/stats", GetStats).WithName("GetStats");
        api.MapGet("/audit", ListAudit).WithName("ListAuditEvents");
        return app;
    }

    public static async Task<Results<Ok<Page<UserView>>, ValidationProblem>> ListUsers(
        UserRepository users, CancellationToken cancellationToken, string? q = null, string? cursor = null, int limit = 50)
    {
        if (limit is < 1 or > MaxPageSize || (cursor is not null && !Guid.TryParse(cursor, out _)) || q?.Length > 254 || q?.Contains('\0', StringComparison.Ordinal) == true)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["query"] = [$"limit must be 1..{MaxPageSize}, cursor a value from next_cursor, q at most 254 characters without NUL."],
            });
        }

        var page = await users.ListAsync(q, cursor is null ? null : Guid.Parse(cursor), limit, cancellationToken);
        var next = page.Count == limit ? page[^1].Id.ToString() : null;
        return TypedResults.Ok(new Page<UserView>(page.Select(UserView.From).ToList(), next));
    }

    public static async Task<Results<Ok<UserView>, ValidationProblem, ProblemHttpResult>> UpdateUser(
        Guid id, UpdateUserRequest request, ClaimsPrincipal admin, HttpContext context, AccountService accounts, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request.Tier is not null && !Tiers.All.Contains(request.Tier))
        {
            errors["tier"] = [$"One of {string.Join(", ", Tiers.All)}."];
        }

        if (request.Role is not null && !PlatformRoles.All.Contains(request.Role))
        {
            errors["role"] = [$"One of {string.Join(", ", PlatformRoles.All)}."];
        }

        if (request is { Tier: null, Role: null, Disabled: null })
        {
            errors["body"] = ["Send at least one of tier, role, disabled."];
        }

        var actorId = admin.GetUserId()!.Value;
        if (id == actorId && (request.Disabled is not null || request.Role is not null))
        {
            errors["id"] = ["Nobody may change their own role or disabled flag; ask another admin."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var user = await accounts.UpdateAsync(actorId, id, request, ClientAddress.Of(context), cancellationToken);
        return user is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "User not found", detail: $"No user {id}.")
            : TypedResults.Ok(UserView.From(user));
    }

    public static async Task<Ok<JsonObject>> GetStats(PlatformStats stats, CancellationToken cancellationToken) =>
        TypedResults.Ok(await stats.CollectAsync(cancellationToken));

    public static async Task<Results<Ok<Page<AuditEntry>>, ValidationProblem>> ListAudit(
        AuditLog audit, CancellationToken cancellationToken, string? @event = null, long? cursor = null, int limit = 50)
    {
        if (limit is < 1 or > MaxPageSize || @event?.Length > 64 || @event?.Contains('\0', StringComparison.Ordinal) == true)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["query"] = [$"limit must be 1..{MaxPageSize}; event at most 64 characters without NUL."] });
        }

        var page = await audit.ListAsync(@event, cursor, limit, cancellationToken);
        return TypedResults.Ok(new Page<AuditEntry>(page, page.Count == limit ? page[^1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture) : null));
    }
}
