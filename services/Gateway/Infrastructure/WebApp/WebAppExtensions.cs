using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace CreatorChat.Gateway.Infrastructure.WebApp;

/// <summary>
/// Serves the single-page app that services/Web builds into the gateway's output (<c>wwwroot/</c>):
/// hashed assets cached for a year as immutable, <c>index.html</c> revalidated on every load, and
/// also served for the app's own screens (<see cref="Screens"/>) so that a reload or a shared link
/// works; any other path stays a 404 problem.
/// </summary>
public static class WebAppExtensions
{
    public const string ImmutableCache = "public, max-age=31536000, immutable";
    public const string Revalidate = "no-cache";

    /// <summary>The screens of services/Web/src/App.tsx.</summary>
    public static readonly IReadOnlyList<string> Screens = ["/", "/signin", "/signup", "/conversations", "/studio", "/admin", "/c/{slug}"];

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
        foreach (var screen in Screens)
        {
            app.MapMethods(screen, [HttpMethods.Get, HttpMethods.Head], (HttpContext context) =>
            {
                context.Response.Headers.CacheControl = Revalidate;
                return Results.File(index.PhysicalPath!, "text/html; charset=utf-8");
            }).ExcludeFromDescription();
        }

        return app;
    }
}
