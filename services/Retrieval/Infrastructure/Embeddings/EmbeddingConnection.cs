using System.Data.Common;
using System.Globalization;

namespace CreatorChat.Retrieval.Infrastructure.Embeddings;

/// <summary>
/// <c>ConnectionStrings__embeddings</c>: <c>Endpoint=https://api.openai.com/v1;Key=…;Model=text-embedding-3-small</c>,
/// optionally <c>;Dimensions=512</c> (models that can shorten their vectors). Any OpenAI-compatible server works.
/// </summary>
public sealed record EmbeddingConnection(Uri Endpoint, string? Key, string Model, int? Dimensions)
{
    public const string Name = "embeddings";

    public static EmbeddingConnection Parse(string connectionString)
    {
        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        string? Get(string key) => builder.TryGetValue(key, out var value) ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;

        var endpoint = Get("Endpoint");
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new InvalidOperationException("ConnectionStrings:embeddings needs Endpoint=<absolute http(s) URL>.");
        }

        var model = Get("Model");
        if (string.IsNullOrWhiteSpace(model))
        {
            throw new InvalidOperationException("ConnectionStrings:embeddings needs Model=<embedding model name>.");
        }

        int? dimensions = null;
        if (Get("Dimensions") is { Length: > 0 } text)
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value is < 1 or > 16384)
            {
                throw new InvalidOperationException("ConnectionStrings:embeddings Dimensions must be a whole number between 1 and 16384.");
            }

            dimensions = value;
        }

        return new EmbeddingConnection(uri, Get("Key"), model.Trim(), dimensions);
    }
}
