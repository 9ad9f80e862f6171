using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CreatorChat.AppHost.Seeding;

/// <summary>What ./run.sh prints once the platform is up: where the gateway and the dashboard are, and the demo accounts.</summary>
internal static class Banner
{
    public static async Task PrintAsync(
        IServiceProvider services, IResourceBuilder<ProjectResource> gateway, IResourceBuilder<ParameterResource> adminEmail,
        IResourceBuilder<ParameterResource> adminPassword, IResourceBuilder<ParameterResource> demoPassword, CancellationToken cancellationToken)
    {
        var configuration = services.GetRequiredService<IConfiguration>();
        var url = gateway.GetEndpoint("http").Url.TrimEnd('/');
        var dashboard = (configuration["ASPNETCORE_URLS"] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        var token = configuration["AppHost:BrowserToken"];

        // Console only, never the structured logs: these are the local demo's passwords, printed for the person at the terminal.
        Console.WriteLine($"""

            CreatorChat is up.
              Gateway:    {url}/   (API docs {url}/docs, creators {url}/api/v1/creators)
              Dashboard:  {(dashboard is null ? "off" : token is null ? dashboard : $"{dashboard.TrimEnd('/')}/login?t={token}")}
              Admin:      {await adminEmail.Resource.GetValueAsync(cancellationToken)} / {await adminPassword.Resource.GetValueAsync(cancellationToken)}
              Creator:    {DemoSeeder.CreatorEmail} / {await demoPassword.Resource.GetValueAsync(cancellationToken)}   (kitchen-lab)
            Press Ctrl+C to stop.

            """);
    }
}
