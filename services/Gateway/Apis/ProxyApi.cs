using CreatorChat.Gateway.Infrastructure.ReverseProxy;

namespace CreatorChat.Gateway.Apis;

public static class ProxyApi
{
    /// <summary>Maps every public route family to the service that owns it (see <see cref="GatewayRoutes"/>).</summary>
    public static IEndpointRouteBuilder MapProxyApi(this IEndpointRouteBuilder app)
    {
        foreach (var route in GatewayRoutes.All)
        {
            var service = route.Service;
            app.Map(route.Pattern, (HttpContext context, HttpForwarder forwarder) => forwarder.ForwardAsync(context, service))
                .WithMetadata(route)
                .ExcludeFromDescription();
        }

        return app;
    }
}
