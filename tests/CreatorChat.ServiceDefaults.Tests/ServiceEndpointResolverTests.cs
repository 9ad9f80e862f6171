using CreatorChat.ServiceDefaults.Discovery;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace CreatorChat.ServiceDefaults.Tests;

public sealed class ServiceEndpointResolverTests
{
    private static ServiceEndpointResolver Resolver(params (string Key, string Value)[] settings) =>
        new(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());

    [Fact]
    public void Configured_http_endpoint_wins_over_dns()
    {
        var resolver = Resolver(("services:retrieval:http:0", "http://127.0.0.1:5123"));

        var resolved = resolver.Resolve(new Uri("http://retrieval/internal/v1/search?x=1"));

        Assert.Equal(new Uri("http://127.0.0.1:5123/internal/v1/search?x=1"), resolved);
    }

    [Fact]
    public void Without_configuration_the_name_is_left_for_dns()
    {
        var resolver = Resolver();

        Assert.Equal(new Uri("http://retrieval/api/v1/x"), resolver.Resolve(new Uri("http://retrieval/api/v1/x")));
    }

    [Fact]
    public void Https_plus_http_prefers_https_then_falls_back_to_http()
    {
        var both = Resolver(("services:chat:https:0", "https://127.0.0.1:7001"), ("services:chat:http:0", "http://127.0.0.1:5001"));
        var httpOnly = Resolver(("services:chat:http:0", "http://127.0.0.1:5001"));
        var none = Resolver();

        Assert.Equal(new Uri("https://127.0.0.1:7001/a"), both.Resolve(new Uri("https+http://chat/a")));
        Assert.Equal(new Uri("http://127.0.0.1:5001/a"), httpOnly.Resolve(new Uri("https+http://chat/a")));
        Assert.Equal(new Uri("https://chat/a"), none.Resolve(new Uri("https+http://chat/a")));
    }

    [Fact]
    public void Plain_http_scheme_does_not_use_https_endpoints()
    {
        var resolver = Resolver(("services:chat:https:0", "https://127.0.0.1:7001"));

        Assert.Equal(new Uri("http://chat/a"), resolver.Resolve(new Uri("http://chat/a")));
    }

    [Fact]
    public void Several_replicas_are_used_in_turn()
    {
        var resolver = Resolver(("services:chat:http:0", "http://127.0.0.1:5001"), ("services:chat:http:1", "http://127.0.0.1:5002"));

        var ports = Enumerable.Range(0, 6).Select(_ => resolver.Resolve(new Uri("http://chat/")).Port).ToList();

        Assert.Equal(3, ports.Count(p => p == 5001));
        Assert.Equal(3, ports.Count(p => p == 5002));
    }

    [Theory]
    [InlineData("http://127.0.0.1:9000/x")]
    [InlineData("http://api.example.com/x")]
    [InlineData("http://localhost:5000/x")]
    public void Concrete_addresses_are_left_alone(string address)
    {
        var resolver = Resolver(("services:localhost:http:0", "http://10.0.0.1:1"));

        Assert.Equal(new Uri(address), resolver.Resolve(new Uri(address)));
    }

    [Fact]
    public void Endpoint_base_path_is_kept()
    {
        var resolver = Resolver(("services:creator:http:0", "http://127.0.0.1:5301/prefix/"));

        Assert.Equal(new Uri("http://127.0.0.1:5301/prefix/api/v1/creators"), resolver.Resolve(new Uri("http://creator/api/v1/creators")));
    }
}
