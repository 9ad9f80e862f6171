using CreatorChat.ServiceDefaults.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace CreatorChat.ServiceDefaults.Tests.Unit;

/// <summary>The addressing contract (<c>services__&lt;name&gt;__http__N</c>, else DNS) as service discovery serves it.</summary>
public sealed class ServiceDiscoveryTests
{
    private static ServiceAddresses Addresses(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.AddServiceDefaults();
        return builder.Build().Services.GetRequiredService<ServiceAddresses>();
    }

    [Fact]
    public async Task A_configured_endpoint_wins_over_dns_and_keeps_path_and_query()
    {
        var addresses = Addresses(("services:retrieval:http:0", "http://127.0.0.1:5123"));

        var resolved = await addresses.ResolveAsync(new Uri("http://retrieval/internal/v1/search?x=1"), CancellationToken.None);

        Assert.Equal(new Uri("http://127.0.0.1:5123/internal/v1/search?x=1"), resolved);
    }

    [Fact]
    public async Task Without_configuration_the_name_is_left_for_dns()
    {
        var resolved = await Addresses().ResolveAsync(new Uri("http://retrieval/api/v1/x"), CancellationToken.None);

        Assert.Equal(new Uri("http://retrieval/api/v1/x"), resolved);
    }

    [Fact]
    public async Task Https_plus_http_prefers_https_then_falls_back_to_http()
    {
        var both = Addresses(("services:chat:https:0", "https://127.0.0.1:7001"), ("services:chat:http:0", "http://127.0.0.1:5001"));
        var httpOnly = Addresses(("services:chat:http:0", "http://127.0.0.1:5001"));

        Assert.Equal(new Uri("https://127.0.0.1:7001/a"), await both.ResolveAsync(new Uri("https+http://chat/a"), CancellationToken.None));
        Assert.Equal(new Uri("http://127.0.0.1:5001/a"), await httpOnly.ResolveAsync(new Uri("https+http://chat/a"), CancellationToken.None));
    }
}
