using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace CreatorChat.ServiceDefaults.Http;

/// <summary>
/// The parts of <see cref="RequestText"/> that need no body: the path (so every route value) and the
/// query string are checked before any handler runs (400), and a JSON body in any charset but UTF-8
/// is refused (415) — JSON is UTF-8 (RFC 8259), and an unknown charset must not surface as a 500.
/// JSON bodies are checked where they are read (<see cref="RequestTextStringConverter"/>).
/// </summary>
internal sealed class RequestTextMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (PathOrQueryProblem(request) is { } problem)
        {
            await WriteAsync(context, StatusCodes.Status400BadRequest, "Invalid request text", problem);
            return;
        }

        if (request.ContentType is { } contentType &&
            MediaTypeHeaderValue.TryParse(contentType, out var media) && IsJson(media) &&
            media.Charset.HasValue && !IsUtf8(media.Charset.Value))
        {
            await WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, "Unsupported charset",
                $"JSON bodies must be UTF-8; charset '{media.Charset.Value}' is not supported.");
            return;
        }

        await next(context);
    }

    private static string? PathOrQueryProblem(HttpRequest request)
    {
        if (request.Path.Value is { } path && RequestText.Problem(path) is { } pathProblem)
        {
            return $"The request path {pathProblem}.";
        }

        if (!request.QueryString.HasValue)
        {
            return null;
        }

        foreach (var (name, values) in request.Query)
        {
            if (RequestText.Problem(name) is { } nameProblem)
            {
                return $"A query parameter name {nameProblem}.";
            }

            foreach (var value in values)
            {
                if (value is not null && RequestText.Problem(value) is { } valueProblem)
                {
                    return $"The query parameter '{name}' {valueProblem}.";
                }
            }
        }

        return null;
    }

    private static bool IsJson(MediaTypeHeaderValue media) =>
        media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) ||
        media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase);

    private static bool IsUtf8(Microsoft.Extensions.Primitives.StringSegment charset) =>
        charset.Trim().Value?.Trim('"') is { } name &&
        (name.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || name.Equals("utf8", StringComparison.OrdinalIgnoreCase));

    private static Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }
}
