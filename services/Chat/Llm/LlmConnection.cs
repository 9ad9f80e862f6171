namespace CreatorChat.Chat.Llm;

/// <summary><c>ConnectionStrings__llm</c>: <c>Endpoint=https://api.openai.com/v1;Key=…;Model=gpt-4o-mini</c>.</summary>
public sealed record LlmConnection(Uri Endpoint, string? Key, string Model)
{
    public const string ConnectionName = "llm";

    /// <summary>The HttpClient (and its <c>Resilience:Http:Clients</c> section) that carries model calls.</summary>
    public const string HttpClientName = "llm";

    public static LlmConnection Parse(string connectionString)
    {
        var builder = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        string? Get(string key) => builder.TryGetValue(key, out var value) ? value?.ToString() : null;

        var endpoint = Get("Endpoint");
        if (string.IsNullOrWhiteSpace(endpoint) || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new InvalidOperationException("ConnectionStrings:llm needs Endpoint=<absolute http(s) URL>.");
        }

        var model = Get("Model") ?? Get("Deployment");
        if (string.IsNullOrWhiteSpace(model))
        {
            throw new InvalidOperationException("ConnectionStrings:llm needs Model=<model or deployment name>.");
        }

        var key = Get("Key") ?? Get("AccessKey") ?? Get("ApiKey");
        return new LlmConnection(uri, string.IsNullOrWhiteSpace(key) ? null : key, model);
    }
}
