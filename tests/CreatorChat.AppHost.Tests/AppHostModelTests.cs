using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Xunit;

namespace CreatorChat.AppHost.Tests;

/// <summary>
/// The application model the AppHost declares in each infrastructure mode, without starting anything.
/// Optional connection strings and parameters are set empty so that the developer's environment cannot change the outcome.
/// </summary>
public sealed class AppHostModelTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private static readonly string[] Services = ["gateway", "creator", "chat", "retrieval"];

    private static readonly string[] Databases = ["creatordb", "chatdb", "retrievaldb", "identitydb"];

    private static readonly string[] NoModels = ["ConnectionStrings:llm=", "ConnectionStrings:embeddings=", "ConnectionStrings:qdrant_http="];

    [Fact]
    public async Task Local_mode_runs_postgres_and_redis_as_executables_with_their_databases_and_no_containers()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var appHost = await TestAppHost.CreateAsync(cts.Token, ["Infrastructure:Mode=local", .. NoModels]);

        Assert.Empty(appHost.Resources.OfType<ContainerResource>());
        var postgres = Assert.IsAssignableFrom<ExecutableResource>(appHost.Get("postgres"));
        Assert.IsAssignableFrom<IResourceWithConnectionString>(postgres);
        Assert.NotEmpty(postgres.Annotations.OfType<HealthCheckAnnotation>());
        foreach (var database in Databases)
        {
            var resource = Assert.IsAssignableFrom<IResourceWithParent>(appHost.Get(database));
            Assert.Same(postgres, resource.Parent);
        }

        var cache = Assert.IsAssignableFrom<ExecutableResource>(appHost.Get("cache"));
        Assert.NotEmpty(cache.Annotations.OfType<HealthCheckAnnotation>());
        Assert.False(appHost.Resources.TryGetByName("qdrant", out _));

        AssertDependsOn(appHost.Get("creator"), "creatordb");
        Assert.DoesNotContain("cache", appHost.Get("creator").References());
        AssertDependsOn(appHost.Get("retrieval"), "retrievaldb", "cache");
        AssertDependsOn(appHost.Get("chat"), "chatdb", "cache");
        AssertDependsOn(appHost.Get("gateway"), "identitydb", "cache");
        AssertCalls(appHost);
        Assert.DoesNotContain(appHost.Get("retrieval").References(), name => name.StartsWith("qdrant", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Containers_mode_declares_postgres_redis_and_the_qdrant_container_retrieval_waits_for()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var appHost = await TestAppHost.CreateAsync(cts.Token,
            ["Infrastructure:Mode=containers", "Infrastructure:CheckContainerRuntime=false", .. NoModels]);

        Assert.IsType<PostgresServerResource>(appHost.Get("postgres"));
        foreach (var database in Databases)
        {
            Assert.IsType<PostgresDatabaseResource>(appHost.Get(database));
        }

        Assert.IsType<RedisResource>(appHost.Get("cache"));
        var qdrant = Assert.IsType<QdrantServerResource>(appHost.Get("qdrant"));
        Assert.True(qdrant.TryGetContainerImageName(out var image));
        Assert.Equal($"docker.io/{QdrantBuilderExtensions.Image}:{QdrantBuilderExtensions.Tag}", image);
        Assert.Equal(["grpc", "http"], qdrant.Annotations.OfType<EndpointAnnotation>().Select(e => e.Name).Order());
        Assert.Contains(qdrant.Annotations.OfType<ContainerMountAnnotation>(), m => m.Target == "/qdrant/storage");
        Assert.NotEmpty(qdrant.Annotations.OfType<HealthCheckAnnotation>());
        Assert.True(qdrant.ApiKeyParameter.Secret);

        AssertDependsOn(appHost.Get("retrieval"), "retrievaldb", "cache", "qdrant");
        AssertDependsOn(appHost.Get("gateway"), "identitydb", "cache");
        AssertCalls(appHost);
    }

    [Fact]
    public async Task The_qdrant_container_gives_retrieval_the_grpc_and_http_connection_strings_the_hosting_package_would()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var appHost = await TestAppHost.CreateAsync(cts.Token,
            ["Infrastructure:Mode=containers", "Infrastructure:CheckContainerRuntime=false", "Parameters:qdrant-Key=test-key", .. NoModels]);

        var qdrant = Assert.IsType<QdrantServerResource>(appHost.Get("qdrant"));
        Assert.Equal("Endpoint={qdrant.bindings.grpc.url};Key={qdrant-Key.value}", qdrant.ConnectionStringExpression.ValueExpression);
        Assert.Equal("Endpoint={qdrant.bindings.http.url};Key={qdrant-Key.value}", qdrant.HttpConnectionStringExpression.ValueExpression);

        var context = new EnvironmentCallbackContext(
            new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish), appHost.Get("retrieval"), [], cts.Token);
        foreach (var callback in appHost.Get("retrieval").Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }

        Assert.Equal("{qdrant.connectionString}", Assert.IsAssignableFrom<IManifestExpressionProvider>(context.EnvironmentVariables["ConnectionStrings__qdrant"]).ValueExpression);
        Assert.Equal(qdrant.HttpConnectionStringExpression.ValueExpression, Assert.IsType<ReferenceExpression>(context.EnvironmentVariables["ConnectionStrings__qdrant_http"]).ValueExpression);
    }

    [Fact]
    public async Task Containers_mode_with_an_unhealthy_runtime_says_so_instead_of_starting()
    {
        using var docker = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sh", ["-c", "docker info >/dev/null 2>&1 || podman info >/dev/null 2>&1"]))!;
        await docker.WaitForExitAsync();
        using var cts = new CancellationTokenSource(Timeout);
        // The AppHost runs in this process: what it tells the person at the terminal goes to this writer.
        var said = new StringWriter();
        var stderr = Console.Error;
        Console.SetError(said);
        Exception? error;
        try
        {
            error = await Record.ExceptionAsync(async () =>
            {
                await using var appHost = await TestAppHost.CreateAsync(cts.Token, ["Infrastructure:Mode=containers", .. NoModels]);
            });
        }
        finally
        {
            Console.SetError(stderr);
        }

        if (docker.ExitCode == 0)
        {
            Assert.Null(error); // a healthy runtime: containers it is
        }
        else
        {
            Assert.NotNull(error); // the AppHost exited: no hang, no half-started platform
            Assert.Contains("unhealthy", said.ToString(), StringComparison.Ordinal);
            Assert.Contains("Infrastructure:Mode=local", said.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Existing_mode_uses_connection_strings_and_passes_a_configured_qdrant_and_models_on()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var appHost = await TestAppHost.CreateAsync(cts.Token,
            "Infrastructure:Mode=existing",
            "ConnectionStrings:qdrant_http=Endpoint=http://127.0.0.1:6333;Key=test",
            "ConnectionStrings:llm=Endpoint=http://127.0.0.1:11434/v1;Key=test;Model=test",
            "ConnectionStrings:embeddings=Endpoint=http://127.0.0.1:11434/v1;Key=test;Model=test");

        Assert.Empty(appHost.Resources.OfType<ContainerResource>());
        Assert.DoesNotContain(appHost.Resources.OfType<ExecutableResource>(), r => r.Name is "postgres" or "cache");
        foreach (var name in Databases.Append("cache"))
        {
            Assert.IsAssignableFrom<IResourceWithConnectionString>(appHost.Get(name));
        }

        Assert.IsType<ParameterResource>(appHost.Get("qdrant-http"));
        Assert.Contains("qdrant-http", appHost.Get("retrieval").References());
        AssertDependsOn(appHost.Get("retrieval"), "retrievaldb", "cache", "embeddings");
        AssertDependsOn(appHost.Get("chat"), "chatdb", "cache", "llm");
        Assert.DoesNotContain("llm", appHost.Get("retrieval").References());
        Assert.DoesNotContain("embeddings", appHost.Get("chat").References());
    }

    [Fact]
    public async Task Services_have_health_checks_and_replicas_and_only_the_gateway_is_external()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var appHost = await TestAppHost.CreateAsync(cts.Token, ["Infrastructure:Mode=local", "Replicas:gateway=3", .. NoModels]);

        foreach (var name in Services)
        {
            var service = Assert.IsType<ProjectResource>(appHost.Get(name));
            Assert.NotEmpty(service.Annotations.OfType<HealthCheckAnnotation>());
            var endpoints = service.Annotations.OfType<EndpointAnnotation>().ToList();
            Assert.Contains(endpoints, e => e.UriScheme == "http");
            Assert.Equal(name == "gateway", endpoints.Any(e => e.IsExternal));
            var replicas = service.Annotations.OfType<ReplicaAnnotation>().LastOrDefault()?.Replicas ?? 1;
            Assert.Equal(name switch { "chat" or "retrieval" => 2, "gateway" => 3, _ => 1 }, replicas);
        }

        // The fixed, documented ports of the local run (the services' http launch profiles).
        var ports = new[] { "gateway", "creator", "chat", "retrieval" }
            .Select(n => appHost.Get(n).Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "http").Port);
        Assert.Equal(new int?[] { 5300, 5301, 5302, 5303 }, ports);
    }

    [Fact]
    public async Task Every_replica_starts_as_the_services_built_executable_in_its_project_folder_not_through_dotnet_run()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var appHost = await TestAppHost.CreateAsync(cts.Token, ["Infrastructure:Mode=local", .. NoModels]);

        foreach (var name in Services)
        {
            var service = Assert.IsType<ProjectResource>(appHost.Get(name));
            var project = service.GetProjectMetadata();
            var executable = Assert.Single(service.Annotations.OfType<ExecutableAnnotation>());
            // The apphost next to the assembly the AppHost's build produced from that very project file.
            Assert.Equal(Path.GetFileNameWithoutExtension(project.ProjectPath), Path.GetFileName(executable.Command));
            Assert.StartsWith(Path.Combine(Path.GetDirectoryName(project.ProjectPath)!, "bin") + Path.DirectorySeparatorChar, executable.Command, StringComparison.Ordinal);
            Assert.True(File.Exists(executable.Command + ".dll") && File.Exists(executable.Command), executable.Command);
            Assert.Equal(Path.GetDirectoryName(project.ProjectPath), executable.WorkingDirectory);
        }
    }

    [Fact]
    public async Task Every_service_gets_the_one_signing_key_and_the_gateway_the_administrator()
    {
        const string SigningKey = "test-signing-key-0123456789abcdef0123456789abcdef";
        using var cts = new CancellationTokenSource(Timeout);
        await using var appHost = await TestAppHost.CreateAsync(cts.Token,
            "Infrastructure:Mode=existing", $"Parameters:jwt-signing-key={SigningKey}",
            "Parameters:admin-email=ops@example.com", "Parameters:admin-password=test-admin-password-1");

        var key = Assert.IsType<ParameterResource>(appHost.Get("jwt-signing-key"));
        Assert.True(key.Secret);
        Assert.Equal(SigningKey, await key.GetValueAsync(cts.Token));
        Assert.Equal("ops@example.com", await ((ParameterResource)appHost.Get("admin-email")).GetValueAsync(cts.Token));
        var password = Assert.IsType<ParameterResource>(appHost.Get("admin-password"));
        Assert.True(password.Secret);
        Assert.Equal("test-admin-password-1", await password.GetValueAsync(cts.Token));

        foreach (var name in Services)
        {
            Assert.Contains("jwt-signing-key", appHost.Get(name).References());
            Assert.Equal(name == "gateway", appHost.Get(name).References().Any(r => r.StartsWith("admin", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task Without_configured_secrets_they_are_generated_never_asked_for()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var appHost = await TestAppHost.CreateAsync(cts.Token, "Infrastructure:Mode=existing");

        // Generated and kept in the AppHost's user secrets when absent; not evaluated here (that would write them).
        foreach (var name in new[] { "jwt-signing-key", "admin-password" })
        {
            var parameter = Assert.IsType<ParameterResource>(appHost.Get(name));
            Assert.True(parameter.Secret);
            Assert.NotNull(parameter.Default);
        }
    }

    /// <summary>Who calls whom (services__*): referenced, but not waited for, so every service starts at once.</summary>
    private static void AssertCalls(IDistributedApplicationTestingBuilder appHost)
    {
        foreach (var (caller, callees) in new[]
                 {
                     ("retrieval", new[] { "creator" }), ("chat", new[] { "creator", "retrieval" }), ("gateway", new[] { "creator", "chat", "retrieval" }),
                 })
        {
            foreach (var callee in callees)
            {
                Assert.Contains(callee, appHost.Get(caller).References());
                Assert.DoesNotContain(callee, appHost.Get(caller).Waits());
            }
        }
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
