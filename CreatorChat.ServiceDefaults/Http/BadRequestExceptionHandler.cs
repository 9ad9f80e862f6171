using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace CreatorChat.ServiceDefaults.Http;

/// <summary>
/// Client mistakes that surface as exceptions (malformed JSON, body too large, a client that went
/// away) keep their own status instead of becoming a 500.
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        int status;
        string detail;
        switch (exception)
        {
            case BadHttpRequestException bad:
                status = bad.StatusCode;
                detail = status == StatusCodes.Status413PayloadTooLarge ? "The request body is too large." : "The request is malformed.";
                break;
            case System.Text.Json.JsonException:
                status = StatusCodes.Status400BadRequest;
                detail = "The request body is not valid JSON.";
                break;
            case OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested:
                status = 499;
                detail = "The client closed the request.";
                break;
            default:
                return false;
        }

        httpContext.Response.StatusCode = status;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = { Status = status, Detail = detail },
            Exception = exception,
        });
    }
}
