using Microsoft.AspNetCore.Http.Features;

namespace CreatorChat.Gateway.Infrastructure.Edge;

/// <summary>
/// Body size caps by route: transcripts may be up to 5 MB (plus JSON overhead), everything else is
/// small. Declared sizes over the cap get a 413 before a byte is read; chunked bodies are cut off
/// by Kestrel at the same cap.
/// </summary>
public sealed class RequestSizeLimitMiddleware(RequestDelegate next)
{
    public const long TranscriptUploadBytes = 6 * 1024 * 1024;
    public const long DefaultBytes = 256 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        var limit = LimitFor(context.Request);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        if (context.Request.ContentLength > limit)
        {
            await TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request too large",
                detail: $"The request body may be at most {limit / 1024} KB here.").ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    public static long LimitFor(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.Path.StartsWithSegments("/api/v1/creators") &&
        request.Path.Value!.EndsWith("/videos", StringComparison.OrdinalIgnoreCase)
            ? TranscriptUploadBytes
            : DefaultBytes;
}
