using System.Text.Json.Nodes;
using CreatorChat.Gateway.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreatorChat.Gateway.Apis;

public static class ApiDocumentationApi
{
    public const string DocumentPath = "/openapi/v1.json";

    private const string PagePrefix = "docs";

    public static IHostApplicationBuilder AddApiDocumentation(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(ApiDocumentAggregator.GatewayDocument);
        builder.Services.AddSingleton<ApiDocumentAggregator>();
        return builder;
    }

    /// <summary>The merged public document at <c>/openapi/v1.json</c> and an interactive page at <c>/docs</c>.</summary>
    public static IEndpointRouteBuilder MapApiDocumentation(this WebApplication app)
    {
        app.MapGet(DocumentPath, GetDocument).ExcludeFromDescription();
        // Only on its own path: its middleware would otherwise match every proxied request against its routes.
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/" + PagePrefix), page => page.UseSwaggerUI(options =>
        {
            options.RoutePrefix = PagePrefix;
            options.DocumentTitle = "CreatorChat API";
            options.SwaggerEndpoint(DocumentPath, "CreatorChat API v1");
        }));
        return app;
    }

    public static async Task<Ok<JsonObject>> GetDocument(ApiDocumentAggregator aggregator, CancellationToken cancellationToken) =>
        TypedResults.Ok(await aggregator.BuildAsync(cancellationToken));
}
