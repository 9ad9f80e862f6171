using CreatorChat.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http;

namespace CreatorChat.ServiceDefaults.Http;

/// <summary>
/// Gives every HttpClient the factory builds — named, typed or default — request-id propagation and,
/// where the service uses platform authentication, service tokens on calls to <c>/internal/**</c>,
/// outside the resilience and discovery handlers (see <see cref="HttpClientResilience"/>).
/// </summary>
internal sealed class ServiceDefaultsHandlerFilter(IHttpContextAccessor accessor, IServiceProvider services) : IHttpMessageHandlerBuilderFilter
{
    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next) => builder =>
    {
        next(builder);
        builder.AdditionalHandlers.Insert(0, new RequestIdPropagationHandler(accessor));
        if (services.GetService<PlatformTokens>() is { } tokens)
        {
            builder.AdditionalHandlers.Insert(0, new ServiceTokenHandler(tokens, services.GetRequiredService<IHostEnvironment>(), services.GetRequiredService<TimeProvider>()));
        }
    };
}
