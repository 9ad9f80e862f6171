namespace CreatorChat.Gateway.Infrastructure.Edge;

/// <summary>
/// <c>CONNECT</c> (tunnelling) and <c>TRACE</c> (echoing headers back) are never served: 405 here,
/// before any route, so they never reach a service or count against it.
/// </summary>
public sealed class UnsupportedMethodMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsConnect(context.Request.Method) && !HttpMethods.IsTrace(context.Request.Method))
        {
            return next(context);
        }

        context.Response.Headers.Allow = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
        return TypedResults.Problem(statusCode: StatusCodes.Status405MethodNotAllowed, title: "Method not allowed",
            detail: $"{context.Request.Method} is not supported by this gateway.").ExecuteAsync(context);
    }
}
