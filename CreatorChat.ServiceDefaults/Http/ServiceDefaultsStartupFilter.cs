using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace CreatorChat.ServiceDefaults.Http;

/// <summary>Puts the cross-cutting middleware in front of every service's own pipeline.</summary>
internal sealed class ServiceDefaultsStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<RequestIdMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<RequestTextMiddleware>();
        next(app);
    };
}
