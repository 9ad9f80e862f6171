using Aspire.Hosting.ApplicationModel;
using Xunit;

namespace CreatorChat.AppHost.Tests;

/// <summary>
/// Checks the application model the AppHost declares, without starting anything (no Docker needed).
/// Optional connection strings are set empty so that the developer's environment cannot change the outcome.
/// </summary>
public sealed class AppHostModelTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private static readonly string[] Services = ["gateway", "creator", "chat", "retrieval"];

    [Fact]
    public async Task Containers_mode_declares_services_and_their_servers()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var appHost = await TestAppHost.CreateAsync(cts.Token,
            "Infrastructure:Mode=containers", "ConnectionStrings:llm=", "ConnectionStrings:embeddings=");

        Assert.IsType<PostgresServerResource>(appHost.Get("postgres"));
        foreach (var database in new[] { "creatordb", "chatdb", "retrievaldb", "identitydb" })
        {
            Assert.IsType<PostgresDatabaseResource>(appHost.Get(database));
        }

        Assert.IsType<RedisResource>(appHost.Get("cache"));
        Assert.IsType<QdrantServerResource>(appHost.Get("qdrant"));
        Assert.False(appHost.Resources.TryGetByName("llm", out _));
        Assert.False(appHost.Resources.TryGetByName("embeddings", out _));

        AssertDependsOn(appHost.Get("creator"), "creatordb", "cache");
        AssertDependsOn(appHost.Get("retrieval"), "retrievaldb", "cache", "qdrant");
        AssertDependsOn(appHost.Get("chat"), "chatdb", "cache", "creator", "retrieval");
        AssertDependsOn(appHost.Get("gateway"), "identitydb", "cache", "creator", "chat", "retrieval");
    }

    [Fact]
    public async Task Services_have_health_checks_replicas_and_only_the_gateway_is_external()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var appHost = await TestAppHost.CreateAsync(cts.Token, "Infrastructure:Mode=containers");

        foreach (var name in Services)
        {
            var service = Assert.IsType<ProjectResource>(appHost.Get(name));
            Assert.NotEmpty(service.Annotations.OfType<HealthCheckAnnotation>());

            var endpoints = service.Annotations.OfType<EndpointAnnotation>().ToList();
            Assert.Contains(endpoints, e => e.UriScheme == "http");
            if (name == "gateway")
            {
                Assert.Contains(endpoints, e => e.IsExternal);
            }
            else
            {
                Assert.DoesNotContain(endpoints, e => e.IsExternal);
            }

            var replicas = service.Annotations.OfType<ReplicaAnnotation>().LastOrDefault()?.Replicas ?? 1;
            Assert.Equal(name is "chat" or "retrieval" ? 2 : 1, replicas);
        }
    }

    [Fact]
    public async Task Existing_mode_uses_connection_strings_and_no_containers()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var appHost = await TestAppHost.CreateAsync(cts.Token,
            "Infrastructure:Mode=existing", "ConnectionStrings:qdrant_http=", "ConnectionStrings:llm=",
            "ConnectionStrings:embeddings=");

        Assert.Empty(appHost.Resources.OfType<ContainerResource>());
        foreach (var name in new[] { "creatordb", "chatdb", "retrievaldb", "identitydb", "cache" })
        {
            Assert.IsAssignableFrom<IResourceWithConnectionString>(appHost.Get(name));
        }

        var retrieval = appHost.Get("retrieval");
        AssertDependsOn(retrieval, "retrievaldb", "cache");
        // No Qdrant configured: retrieval keeps its embedded vector store.
        Assert.DoesNotContain(retrieval.References(), name => name.StartsWith("qdrant", StringComparison.Ordinal));
        Assert.DoesNotContain(retrieval.Waits(), name => name.StartsWith("qdrant", StringComparison.Ordinal));

        AssertDependsOn(appHost.Get("gateway"), "identitydb", "cache", "creator", "chat", "retrieval");
    }

    [Fact]
    public async Task Existing_mode_passes_a_configured_qdrant_and_models_on()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var appHost = await TestAppHost.CreateAsync(cts.Token,
            "Infrastructure:Mode=existing",
            "ConnectionStrings:qdrant_http=Endpoint=http://127.0.0.1:6333;Key=test",
            "ConnectionStrings:llm=Endpoint=http://127.0.0.1:11434/v1;Key=test;Model=test",
            "ConnectionStrings:embeddings=Endpoint=http://127.0.0.1:11434/v1;Key=test;Model=test");

        Assert.IsType<ParameterResource>(appHost.Get("qdrant-http"));
        AssertDependsOn(appHost.Get("retrieval"), "retrievaldb", "cache", "qdrant-http", "embeddings");
        AssertDependsOn(appHost.Get("chat"), "chatdb", "cache", "creator", "retrieval", "llm");
        Assert.DoesNotContain("llm", appHost.Get("retrieval").References());
        Assert.DoesNotContain("embeddings", appHost.Get("chat").References());
    }

    private static void AssertDependsOn(IResource service, params string[] dependencies)
    {
        var references = service.References();
        var waits = service.Waits();
        foreach (var dependency in dependencies)
        {
            Assert.Contains(dependency, references);
            Assert.Contains(dependency, waits);
        }
    }
}
