using Microsoft.Net.Http.Headers;

namespace CreatorChat.Gateway.Infrastructure.Edge;

/// <summary>
/// JSON is UTF-8 (RFC 8259 §8.1): a JSON body declared in any other charset (or a bogus one) is a 415
/// here, for the gateway's own endpoints and every service behind it alike, instead of whatever the
/// body reader makes of an encoding it cannot decode.
/// </summary>
public sealed class JsonCharsetMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var contentType = context.Request.ContentType;
        if (string.IsNullOrEmpty(contentType) || !MediaTypeHeaderValue.TryParse(contentType, out var media) ||
            !IsJson(media) || !media.Charset.HasValue || IsUtf8(media.Charset.Value))
        {
            return next(context);
        }

        return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported charset",
            detail: $"JSON bodies are UTF-8: send charset=utf-8 or no charset, not '{media.Charset.Value}'.").ExecuteAsync(context);
    }

    private static bool IsJson(MediaTypeHeaderValue media) =>
        media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) ||
        media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase);

    private static bool IsUtf8(string? charset) =>
        charset is not null && (charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase) ||
                                charset.Equals("\"utf-8\"", StringComparison.OrdinalIgnoreCase));
}
