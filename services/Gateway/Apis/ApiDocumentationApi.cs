using System.Text.Json.Nodes;
using CreatorChat.Gateway.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CreatorChat.Gateway.Apis;

public static class ApiDocumentationApi
{
    public const string DocumentPath = "/openapi/v1.json";

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
        app.UseSwaggerUI(options =>
        {
            options.RoutePrefix = "docs";
            options.DocumentTitle = "CreatorChat API";
            options.SwaggerEndpoint(DocumentPath, "CreatorChat API v1");
        });
        return app;
    }

    public static async Task<Ok<JsonObject>> GetDocument(ApiDocumentAggregator aggregator, CancellationToken cancellationToken) =>
        TypedResults.Ok(await aggregator.BuildAsync(cancellationToken));
}
