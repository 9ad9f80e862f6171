namespace CreatorChat.ServiceDefaults.Discovery;

/// <summary>
/// Rewrites each outgoing request's logical address to a concrete endpoint. It sits inside the
/// resilience handler, so every retry resolves again from the logical address it remembers.
/// </summary>
public sealed class ServiceDiscoveryHandler(ServiceEndpointResolver resolver) : DelegatingHandler
{
    private static readonly HttpRequestOptionsKey<Uri> LogicalUri = new("CreatorChat.LogicalUri");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(LogicalUri, out var logical))
        {
            logical = request.RequestUri;
            if (logical is not null)
            {
                request.Options.Set(LogicalUri, logical);
            }
        }

        if (logical is { IsAbsoluteUri: true })
        {
            request.RequestUri = resolver.Resolve(logical);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
