using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CreatorChat.ServiceDefaults.Http;

/// <summary>
/// Gives every request an id: the caller's <c>X-Request-Id</c> when it is sane, a new one otherwise.
/// The id is echoed on the response, stamped on the server span and put in the logging scope.
/// </summary>
public sealed class RequestIdMiddleware(RequestDelegate next, ILogger<RequestIdMiddleware> logger)
{
    public const string HeaderName = "X-Request-Id";

    public async Task InvokeAsync(HttpContext context)
    {
        var incoming = context.Request.Headers[HeaderName].ToString();
        var requestId = IsValid(incoming) ? incoming : NewId();

        context.TraceIdentifier = requestId;
        context.Response.Headers[HeaderName] = requestId;
        Activity.Current?.SetTag("request.id", requestId);

        using (logger.BeginScope(new Dictionary<string, object> { ["RequestId"] = requestId }))
        {
            await next(context);
        }
    }

    public static bool IsValid(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= 128 &&
        value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');

    private static string NewId() => Activity.Current?.TraceId.ToHexString() ?? Guid.NewGuid().ToString("N");
}
