using System.Text.Json.Nodes;
using CreatorChat.ServiceDefaults.Http;
using CreatorChat.ServiceDefaults.Model;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CreatorChat.Gateway.Infrastructure;

/// <summary>
/// The public OpenAPI document: the gateway's own routes plus every service's public routes, merged
/// from each service's <c>/openapi/v1.json</c>. Internal routes never appear: the services exclude them.
/// A service that is down leaves its paths out for this request instead of failing the document.
/// </summary>
public sealed class ApiDocumentAggregator(
    IHttpClientFactory clients,
    [FromKeyedServices(ApiDocumentAggregator.GatewayDocument)] IOpenApiDocumentProvider gatewayDocument,
    ILogger<ApiDocumentAggregator> logger)
{
    public const string GatewayDocument = "gateway";

    public async Task<JsonObject> BuildAsync(CancellationToken cancellationToken)
    {
        var document = await GatewayDocumentAsync(cancellationToken);
        document["info"] = new JsonObject
        {
            ["title"] = "CreatorChat API",
            ["version"] = "v1",
            ["description"] = "Talk to YouTube creators' bots, grounded in their videos. Served by the gateway.",
        };
        document.Remove("servers");

        foreach (var service in ServiceNames.Backends)
        {
            try
            {
                using var response = await clients.CreateClient(service).GetAsync(new Uri("/openapi/v1.json", UriKind.Relative), cancellationToken);
                response.EnsureSuccessStatusCode();
                var serviceDocument = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))?.AsObject();
                if (serviceDocument is not null)
                {
                    Merge(document, serviceDocument);
                }
            }
            catch (Exception ex) when (ServiceUnavailable.Is(ex) || ex is System.Text.Json.JsonException)
            {
                logger.LogWarning("OpenAPI document of {Service} unavailable: {Reason}", service, ex.Message);
            }
        }

        return document;
    }

    private async Task<JsonObject> GatewayDocumentAsync(CancellationToken cancellationToken)
    {
        var openApi = await gatewayDocument.GetOpenApiDocumentAsync(cancellationToken);
        using var writer = new StringWriter();
        openApi.SerializeAsV31(new OpenApiJsonWriter(writer));
        return JsonNode.Parse(writer.ToString())!.AsObject();
    }

    public static void Merge(JsonObject target, JsonObject source)
    {
        MergeSection(target, source, "paths");
        if (source["components"] is JsonObject components)
        {
            var targetComponents = target["components"] as JsonObject ?? (JsonObject)(target["components"] = new JsonObject());
            foreach (var (section, _) in components.ToList())
            {
                MergeSection(targetComponents, components, section);
            }
        }

        if (source["tags"] is JsonArray tags)
        {
            var targetTags = target["tags"] as JsonArray ?? (JsonArray)(target["tags"] = new JsonArray());
            foreach (var tag in tags.ToList())
            {
                var name = tag?["name"]?.GetValue<string>();
                if (!targetTags.Any(t => t?["name"]?.GetValue<string>() == name))
                {
                    targetTags.Add(tag?.DeepClone());
                }
            }
        }
    }

    // First writer wins on a name clash: shared schemas (ProblemDetails…) are identical across services.
    private static void MergeSection(JsonObject target, JsonObject source, string name)
    {
        if (source[name] is not JsonObject from)
        {
            return;
        }

        var into = target[name] as JsonObject ?? (JsonObject)(target[name] = new JsonObject());
        foreach (var (key, value) in from)
        {
            if (!into.ContainsKey(key))
            {
                into[key] = value?.DeepClone();
            }
        }
    }
}
