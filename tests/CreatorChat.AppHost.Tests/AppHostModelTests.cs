using Aspire.Hosting.ApplicationModel;
using Xunit;

namespace CreatorChat.AppHost.Tests;

/// <summary>
/// Checks the application model the AppHost declares, without starting anything (no Docker needed).
/// Optional connection strings and parameters are set empty so that the developer's environment cannot change the outcome.
/// </summary>
public sealed class AppHostModelTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private static readonly string[] Services = ["gateway", "creator", "chat", "retrieval"];

    private static readonly string[] NoAdmin = ["Parameters:admin-email=", "Parameters:admin-password="];

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
        AssertDependsOn(appHost.Get("retrieval"), "retrievaldb", "cache", "creator", "qdrant");
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
        AssertDependsOn(retrieval, "retrievaldb", "cache", "creator");
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
        AssertDependsOn(appHost.Get("retrieval"), "retrievaldb", "cache", "creator", "qdrant-http", "embeddings");
        AssertDependsOn(appHost.Get("chat"), "chatdb", "cache", "creator", "retrieval", "llm");
        Assert.DoesNotContain("llm", appHost.Get("retrieval").References());
        Assert.DoesNotContain("embeddings", appHost.Get("chat").References());
    }

    [Fact]
    public async Task Every_service_gets_the_one_signing_key_generated_when_not_configured()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var appHost = await TestAppHost.CreateAsync(cts.Token, ["Infrastructure:Mode=existing", .. NoAdmin]);

        // Generated (and kept in the AppHost's user secrets) when Parameters:jwt-signing-key is absent: nobody is
        // prompted. Not evaluated here, which would write to the developer's user secrets.
        var key = Assert.IsType<ParameterResource>(appHost.Get("jwt-signing-key"));
        Assert.True(key.Secret);
        Assert.NotNull(key.Default);
        foreach (var name in Services)
        {
            Assert.Contains("jwt-signing-key", appHost.Get(name).References());
        }

        // No administrator configured: the gateway gets neither Admin__Email nor Admin__Password.
        Assert.False(appHost.Resources.TryGetByName("admin-email", out _));
        Assert.False(appHost.Resources.TryGetByName("admin-password", out _));
    }

    [Fact]
    public async Task A_configured_signing_key_and_administrator_reach_their_services()
    {
        const string SigningKey = "test-signing-key-0123456789abcdef0123456789abcdef";
        using var cts = new CancellationTokenSource(Timeout);
        await using var appHost = await TestAppHost.CreateAsync(cts.Token,
            "Infrastructure:Mode=existing", $"Parameters:jwt-signing-key={SigningKey}",
            "Parameters:admin-email=ops@example.com", "Parameters:admin-password=test-admin-password-1");

        var key = Assert.IsType<ParameterResource>(appHost.Get("jwt-signing-key"));
        Assert.Equal(SigningKey, await key.GetValueAsync(cts.Token));

        var email = Assert.IsType<ParameterResource>(appHost.Get("admin-email"));
        var password = Assert.IsType<ParameterResource>(appHost.Get("admin-password"));
        Assert.False(email.Secret);
        Assert.True(password.Secret);
        Assert.Equal("ops@example.com", await email.GetValueAsync(cts.Token));
        Assert.Equal("test-admin-password-1", await password.GetValueAsync(cts.Token));

        var gateway = appHost.Get("gateway").References();
        Assert.Contains("admin-email", gateway);
        Assert.Contains("admin-password", gateway);
        foreach (var name in new[] { "creator", "chat", "retrieval" })
        {
            Assert.DoesNotContain(appHost.Get(name).References(), r => r.StartsWith("admin", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task An_administrator_e_mail_without_a_password_stops_the_AppHost()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var error = await Record.ExceptionAsync(async () =>
        {
            await using var appHost = await TestAppHost.CreateAsync(cts.Token,
                "Infrastructure:Mode=existing", "Parameters:admin-email=ops@example.com", "Parameters:admin-password=");
        });

        Assert.NotNull(error);
        Assert.Contains(Flatten(error), e => e.Message.Contains("Parameters:admin-password", StringComparison.Ordinal));
    }

    private static IEnumerable<Exception> Flatten(Exception error) =>
        error is AggregateException aggregate
            ? aggregate.InnerExceptions.SelectMany(Flatten).Prepend(error)
            : error.InnerException is { } inner ? Flatten(inner).Prepend(error) : [error];

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
