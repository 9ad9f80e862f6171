using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CreatorChat.ServiceDefaults.Http;

/// <summary>
/// Names the ASP.NET Core server span after its route and stamps the OpenTelemetry HTTP semantic
/// conventions on it; the OpenTelemetry instrumentation package that would do this is not available.
/// </summary>
public sealed class ServerSpanEnricherMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var activity = Activity.Current;
        if (activity is null)
        {
            await next(context);
            return;
        }

        activity.SetTag("http.request.method", context.Request.Method);
        activity.SetTag("url.path", context.Request.Path.Value);
        activity.SetTag("url.scheme", context.Request.Scheme);
        activity.SetTag("server.address", context.Request.Host.Host);
        try
        {
            await next(context);
        }
        finally
        {
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
            if (route is not null)
            {
                activity.SetTag("http.route", route);
                activity.DisplayName = $"{context.Request.Method} {route}";
            }

            var status = context.Response.StatusCode;
            activity.SetTag("http.response.status_code", status);
            if (status >= 500)
            {
                activity.SetStatus(ActivityStatusCode.Error);
            }
        }
    }
}
