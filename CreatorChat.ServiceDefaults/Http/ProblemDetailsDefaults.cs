using Microsoft.AspNetCore.Http;

namespace CreatorChat.ServiceDefaults.Http;

internal static class ProblemDetailsDefaults
{
    /// <summary>Every problem carries the request id, so a user's report can be found in the logs.</summary>
    public static void Customize(ProblemDetailsContext context)
    {
        context.ProblemDetails.Extensions["request_id"] = context.HttpContext.TraceIdentifier;
        context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
        if (context.ProblemDetails.Status == StatusCodes.Status500InternalServerError)
        {
            // Never leak exception messages; the request id is what support needs.
            context.ProblemDetails.Detail = "An unexpected error occurred.";
        }
    }
}
