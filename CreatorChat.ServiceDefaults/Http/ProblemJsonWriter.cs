using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace CreatorChat.ServiceDefaults.Http;

/// <summary>
/// Writes every problem as <c>application/problem+json</c>, whatever the client accepts. The default
/// writer declines when <c>Accept</c> names only another type (<c>text/event-stream</c> for a stream),
/// and the error then came back as <c>text/plain</c> or an empty body that no client can read.
/// </summary>
internal sealed class ProblemJsonWriter(IOptions<ProblemDetailsOptions> options) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => !context.HttpContext.Response.HasStarted;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ??= context.HttpContext.Response.StatusCode;
        problem.Title ??= ReasonPhrases.GetReasonPhrase(status);
        problem.Type ??= $"https://httpstatuses.io/{status}";
        options.Value.CustomizeProblemDetails?.Invoke(context);
        return new ValueTask(context.HttpContext.Response.WriteAsJsonAsync<object>(
            problem, Microsoft.Extensions.Hosting.ApiJson.Options, contentType: "application/problem+json", context.HttpContext.RequestAborted));
    }
}
