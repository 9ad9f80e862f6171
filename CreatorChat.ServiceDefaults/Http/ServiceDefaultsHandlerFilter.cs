using CreatorChat.ServiceDefaults.Discovery;
using CreatorChat.ServiceDefaults.Resilience;
using Microsoft.AspNetCore.Http;
using CreatorChat.ServiceDefaults.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http;

namespace CreatorChat.ServiceDefaults.Http;

/// <summary>
/// Gives every HttpClient the factory builds — named, typed or default — request-id propagation,
/// the standard resilience handler (one pipeline per client name) and service discovery, in that
/// order from the outside in, so every retry resolves the address again; and, where the service
/// uses platform authentication, service tokens on calls to <c>/internal/**</c>.
/// </summary>
internal sealed class ServiceDefaultsHandlerFilter(
    IHttpContextAccessor accessor, HttpResiliencePipelines pipelines, ServiceEndpointResolver resolver, IServiceProvider services) : IHttpMessageHandlerBuilderFilter
{
    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next) => builder =>
    {
        next(builder);
        var name = string.IsNullOrEmpty(builder.Name) ? "default" : builder.Name;
        builder.AdditionalHandlers.Insert(0, new RequestIdPropagationHandler(accessor));
        builder.AdditionalHandlers.Insert(1, new StandardResilienceHandler(pipelines, name));
        builder.AdditionalHandlers.Insert(2, new ServiceDiscoveryHandler(resolver));
        if (services.GetService<PlatformTokens>() is { } tokens)
        {
            builder.AdditionalHandlers.Insert(0, new ServiceTokenHandler(tokens, services.GetRequiredService<IHostEnvironment>(), services.GetRequiredService<TimeProvider>()));
        }
    };
}
