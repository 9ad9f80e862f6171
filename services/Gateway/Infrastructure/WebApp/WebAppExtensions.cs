using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace CreatorChat.Gateway.Infrastructure.WebApp;

/// <summary>
/// Serves the single-page app that services/Web builds into the gateway's output (<c>wwwroot/</c>):
/// hashed assets cached for a year as immutable, <c>index.html</c> revalidated on every load, and
/// every other GET that is not an API path answered with <c>index.html</c> so that the app's own
/// routes (/c/kitchen-lab, /studio…) survive a reload.
/// </summary>
public static class WebAppExtensions
{
    public const string ImmutableCache = "public, max-age=31536000, immutable";
    public const string Revalidate = "no-cache";

    private static readonly string[] ServerPaths = ["/api", "/v1", "/internal", "/openapi", "/docs", "/health", "/alive"];

    public static WebApplication UseWebApp(this WebApplication app)
    {
        var root = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (!File.Exists(Path.Combine(root, "index.html")))
        {
            app.Logger.LogWarning("No web app in {Root}: build services/Web (dotnet build builds it unless SkipWebApp=true)", root);
            return app;
        }

        var files = new PhysicalFileProvider(root);
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            ContentTypeProvider = new FileExtensionContentTypeProvider(),
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl =
                context.Context.Request.Path.StartsWithSegments("/assets") ? ImmutableCache : Revalidate,
        });

        var index = files.GetFileInfo("index.html");
        app.MapFallback("{*path:nonfile}", (HttpContext context) =>
        {
            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method) ||
                ServerPaths.Any(p => context.Request.Path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase)))
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No route {context.Request.Method} {context.Request.Path}.");
            }

            context.Response.Headers.CacheControl = Revalidate;
            return Results.File(index.PhysicalPath!, "text/html; charset=utf-8");
        }).ExcludeFromDescription();
        return app;
    }
}
