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

        // Problems the framework raises from a bare status code (401 challenge, 404, 405, 415…) say what happened too.
        if (context.ProblemDetails is HttpValidationProblemDetails { Errors.Count: > 0 })
        {
            context.ProblemDetails.Detail ??= "Some fields are invalid: see errors.";
        }

        context.ProblemDetails.Detail ??= DetailFor(context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode);
    }

    private static string DetailFor(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "The request is malformed.",
        StatusCodes.Status401Unauthorized => "A valid access token is required: send 'Authorization: Bearer <token>'.",
        StatusCodes.Status403Forbidden => "Your account may not do this.",
        StatusCodes.Status404NotFound => "There is nothing at this address.",
        StatusCodes.Status405MethodNotAllowed => "This method is not allowed here.",
        StatusCodes.Status406NotAcceptable => "None of the accepted response types can be produced here.",
        StatusCodes.Status408RequestTimeout => "The request took too long to arrive.",
        StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
        StatusCodes.Status415UnsupportedMediaType => "Send the body as 'Content-Type: application/json' (UTF-8).",
        StatusCodes.Status429TooManyRequests => "Too many requests: wait before trying again.",
        StatusCodes.Status503ServiceUnavailable => "The service is unavailable right now. Please try again shortly.",
        _ => $"The request failed: {Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status)}.",
    };
}
