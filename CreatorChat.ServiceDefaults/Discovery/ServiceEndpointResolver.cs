using Microsoft.Extensions.Configuration;

namespace CreatorChat.ServiceDefaults.Discovery;

/// <summary>
/// Resolves logical service addresses such as <c>http://retrieval</c> the way Aspire does:
/// endpoints injected as <c>services__retrieval__http__0</c> (and <c>__1</c>, … spread round-robin)
/// win; when none is configured the name is left for DNS, which is how Kubernetes Services resolve.
/// A <c>https+http://</c> scheme prefers https endpoints and falls back to http ones.
/// </summary>
public sealed class ServiceEndpointResolver(IConfiguration configuration)
{
    private long _next;

    public Uri Resolve(Uri requestUri)
    {
        ArgumentNullException.ThrowIfNull(requestUri);
        var (schemes, isLogical) = SchemesFor(requestUri.Scheme);
        if (!isLogical && !IsServiceName(requestUri.Host))
        {
            return requestUri;
        }

        foreach (var scheme in schemes)
        {
            var endpoints = ConfiguredEndpoints(requestUri.Host, scheme);
            if (endpoints.Count == 0)
            {
                continue;
            }

            var pick = endpoints[(int)((ulong)Interlocked.Increment(ref _next) % (ulong)endpoints.Count)];
            var builder = new UriBuilder(requestUri)
            {
                Scheme = pick.Scheme,
                Host = pick.Host,
                Port = pick.Port,
            };
            var basePath = pick.AbsolutePath.TrimEnd('/');
            if (basePath.Length > 0)
            {
                builder.Path = basePath + requestUri.AbsolutePath;
            }

            return builder.Uri;
        }

        if (!isLogical)
        {
            return requestUri;
        }

        // No configured endpoint: keep the name for DNS with the preferred concrete scheme.
        return new UriBuilder(requestUri) { Scheme = schemes[0], Port = requestUri.IsDefaultPort ? -1 : requestUri.Port }.Uri;
    }

    public IReadOnlyList<Uri> ConfiguredEndpoints(string serviceName, string scheme)
    {
        var section = configuration.GetSection($"services:{serviceName}:{scheme}");
        var result = new List<Uri>();
        foreach (var child in section.GetChildren().OrderBy(c => int.TryParse(c.Key, out var i) ? i : int.MaxValue))
        {
            if (Uri.TryCreate(child.Value, UriKind.Absolute, out var uri))
            {
                result.Add(uri);
            }
        }

        if (result.Count == 0 && Uri.TryCreate(section.Value, UriKind.Absolute, out var single))
        {
            result.Add(single);
        }

        return result;
    }

    private static (string[] Schemes, bool IsLogical) SchemesFor(string scheme) =>
        scheme.Contains('+', StringComparison.Ordinal)
            ? (scheme.Split('+', StringSplitOptions.RemoveEmptyEntries), true)
            : ([scheme], false);

    // Only single-label names (no dots, not IPs, not localhost) are logical service names.
    private static bool IsServiceName(string host) =>
        !host.Contains('.', StringComparison.Ordinal) &&
        !host.Contains(':', StringComparison.Ordinal) &&
        !string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase);
}
