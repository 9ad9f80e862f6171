using System.Data.Common;
using System.Globalization;
using System.Net.Http.Headers;

namespace CreatorChat.Retrieval.Infrastructure.VectorStores;

/// <summary><c>ConnectionStrings__qdrant_http</c>: <c>Endpoint=http://qdrant:6333;Key=…</c> (the key is sent as the <c>api-key</c> header).</summary>
public sealed record QdrantConnection(Uri Endpoint, string? Key)
{
    public const string Name = "qdrant_http";

    public static QdrantConnection Parse(string connectionString)
    {
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var endpoint = builder.TryGetValue("Endpoint", out var e) ? Convert.ToString(e, CultureInfo.InvariantCulture) : null;
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new InvalidOperationException("ConnectionStrings:qdrant_http needs Endpoint=<absolute http(s) URL of Qdrant's REST port>.");
        }

        var key = builder.TryGetValue("Key", out var k) ? Convert.ToString(k, CultureInfo.InvariantCulture) : null;
        return new QdrantConnection(uri, string.IsNullOrEmpty(key) ? null : key);
    }

    public void Configure(HttpClient client)
    {
        client.BaseAddress = new Uri(Endpoint.ToString().TrimEnd('/') + "/");
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (Key is not null)
        {
            client.DefaultRequestHeaders.Add("api-key", Key);
        }
    }
}
