using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace CreatorChat.Gateway.Infrastructure.Edge;

/// <summary>
/// Writes every problem as <c>application/problem+json</c> with a <c>detail</c>, whatever the client
/// accepts: a client asking for <c>text/event-stream</c> still gets a readable error, not
/// <c>text/plain</c> or an empty body. Registered after the default writer, so it only takes what
/// that one declines.
/// </summary>
public sealed class ProblemJsonWriter(IOptions<ProblemDetailsOptions> options) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    /// <summary>A useful detail for problems the framework raises without one (no route, wrong method…).</summary>
    public static string DefaultDetail(int status) => status switch
    {
        StatusCodes.Status404NotFound => "Nothing is served at this path.",
        StatusCodes.Status405MethodNotAllowed => "This method is not allowed on this path.",
        StatusCodes.Status415UnsupportedMediaType => "Send the body as application/json.",
        _ => $"The request failed: {ReasonPhrases.GetReasonPhrase(status)}.",
    };

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        problem.Status = status;
        problem.Title ??= ReasonPhrases.GetReasonPhrase(status);
        options.Value.CustomizeProblemDetails?.Invoke(context);
        return new ValueTask(context.HttpContext.Response.WriteAsJsonAsync(problem, typeof(ProblemDetails), (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json"));
    }
}
