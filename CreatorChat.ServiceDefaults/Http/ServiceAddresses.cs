using System.Net;
using Microsoft.Extensions.ServiceDiscovery;

namespace CreatorChat.ServiceDefaults.Http;

/// <summary>
/// One concrete address for a logical one (<c>http://chat/…</c>), from service discovery, for the
/// connections that do not go through an HttpClient (WebSockets). Replicas are picked at random.
/// </summary>
public sealed class ServiceAddresses(ServiceEndpointResolver resolver)
{
    public async ValueTask<Uri> ResolveAsync(Uri logical, CancellationToken cancellationToken)
    {
        var source = await resolver.GetEndpointsAsync($"{logical.Scheme}://{logical.Authority}", cancellationToken);
        if (source.Endpoints.Count == 0)
        {
            return logical;
        }

        var endpoint = source.Endpoints[Random.Shared.Next(source.Endpoints.Count)].EndPoint;
        var builder = new UriBuilder(logical);
        switch (endpoint)
        {
            case UriEndPoint uri:
                (builder.Scheme, builder.Host, builder.Port) = (uri.Uri.Scheme, uri.Uri.Host, uri.Uri.Port);
                break;
            case IPEndPoint ip:
                (builder.Host, builder.Port) = (ip.Address.ToString(), ip.Port);
                break;
            case DnsEndPoint dns:
                (builder.Host, builder.Port) = (dns.Host, dns.Port > 0 ? dns.Port : -1);
                break;
        }

        return builder.Uri;
    }
}
