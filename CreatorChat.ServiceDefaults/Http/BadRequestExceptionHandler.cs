using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace CreatorChat.ServiceDefaults.Http;

/// <summary>
/// Client mistakes that surface as exceptions (malformed JSON, text that breaks <see cref="RequestText"/>,
/// body too large, a client that went away) keep their own status instead of becoming a 500, with a
/// detail that says what is wrong.
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        int status;
        string? detail;
        switch (exception)
        {
            case BadHttpRequestException { InnerException: JsonException json }:
                status = StatusCodes.Status400BadRequest;
                detail = Describe(json);
                break;
            case BadHttpRequestException bad:
                status = bad.StatusCode;
                // Minimal APIs' binding messages name the parameter and the value; anything else gets the status's own detail.
                detail = bad.Message.StartsWith("Failed to bind", StringComparison.Ordinal) ||
                         bad.Message.StartsWith("Required parameter", StringComparison.Ordinal) ||
                         bad.Message.StartsWith("Expected a supported JSON media type", StringComparison.Ordinal)
                    ? bad.Message
                    : null;
                break;
            case JsonException json:
                status = StatusCodes.Status400BadRequest;
                detail = Describe(json);
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

    /// <summary>System.Text.Json's messages name the position and the problem, never our internals.</summary>
    private static string Describe(JsonException json)
    {
        var message = json.Message;
        if (json.Path is { } path && !message.Contains("Path:", StringComparison.Ordinal) && !message.Contains(" at $", StringComparison.Ordinal))
        {
            message = $"{message.TrimEnd('.')} (at {path}).";
        }

        return $"The request body is not valid JSON: {message}";
    }
}
