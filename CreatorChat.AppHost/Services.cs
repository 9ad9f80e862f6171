using Microsoft.Extensions.Configuration;

namespace CreatorChat.AppHost;

/// <summary>How a CreatorChat service is declared: its project, health check, signing key, replicas and dependencies.</summary>
internal static class Services
{
    /// <summary>Parameter holding the platform's token signing key (<c>Parameters:jwt-signing-key</c>).</summary>
    public const string SigningKeyParameter = "jwt-signing-key";

    /// <summary>The administrator the gateway bootstraps (<c>Parameters:admin-email</c>, <c>Parameters:admin-password</c>).</summary>
    public const string AdminEmailParameter = "admin-email";

    public const string AdminPasswordParameter = "admin-password";

    public const string DefaultAdminEmail = "admin@creatorchat.local";

    /// <summary>
    /// The key every service validates the platform's tokens with; they refuse to start outside Development without it.
    /// <c>Parameters:jwt-signing-key</c> when set, else generated once and kept in the AppHost's user secrets.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddSigningKey(this IDistributedApplicationBuilder builder) =>
        builder.AddParameter(SigningKeyParameter, new GenerateParameterDefault { MinLength = 64, Special = false }, secret: true, persist: true);

    /// <summary><c>Parameters:admin-email</c>, else <see cref="DefaultAdminEmail"/>.</summary>
    public static IResourceBuilder<ParameterResource> AddAdminEmail(this IDistributedApplicationBuilder builder) =>
        builder.AddParameter(AdminEmailParameter, builder.Configuration[$"Parameters:{AdminEmailParameter}"] is { Length: > 0 } email ? email : DefaultAdminEmail);

    /// <summary>A generated secret (kept in user secrets) unless <c>Parameters:{name}</c> is set.</summary>
    public static IResourceBuilder<ParameterResource> AddGeneratedPassword(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddParameter(name, new GenerateParameterDefault { MinLength = 20, Special = false }, secret: true, persist: true);

    /// <summary>
    /// A CreatorChat service: the project (endpoints from its launch profile: gateway 5300, creator 5301, chat 5302,
    /// retrieval 5303), its <c>/health</c> readiness check, the signing key, and <c>Replicas:{name}</c> replicas, each
    /// started as the built executable (<see cref="ServiceBuildOutput"/>).
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddService<TProject>(
        this IDistributedApplicationBuilder builder, string name, IResourceBuilder<ParameterResource> signingKey, int defaultReplicas = 1)
        where TProject : IProjectMetadata, new()
    {
        var service = builder.AddProject<TProject>(name, launchProfileName: "http")
            .WithEnvironment("Jwt__SigningKey", signingKey)
            .WithReplicas(builder.Configuration.GetValue($"Replicas:{name}", defaultReplicas))
            .RunBuildOutput();

        if (!service.Resource.Annotations.OfType<EndpointAnnotation>().Any())
        {
            service.WithHttpEndpoint();
        }

        return service.WithHttpHealthCheck("/health");
    }

    /// <summary>Passes the connection string to the service and starts the service once the server is up.</summary>
    public static IResourceBuilder<ProjectResource> WithDependency(
        this IResourceBuilder<ProjectResource> service, IResourceBuilder<IResourceWithConnectionString> dependency) =>
        service.WithReference(dependency).WaitFor(dependency, WaitBehavior.StopOnResourceUnavailable);

    /// <summary>
    /// Passes <c>services__&lt;name&gt;__http__N</c> to the service. No wait: every service starts as soon as its servers
    /// are up (in parallel, as in Kubernetes), and callers ride out a dependency that is still starting.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithDependency(
        this IResourceBuilder<ProjectResource> service, IResourceBuilder<ProjectResource> dependency) =>
        service.WithReference(dependency);

    public static IResourceBuilder<ProjectResource> WithDependencyIfConfigured(
        this IResourceBuilder<ProjectResource> service, IResourceBuilder<IResourceWithConnectionString>? dependency) =>
        dependency is null ? service : service.WithDependency(dependency);

    /// <summary>The administrator the gateway bootstraps at first start (<c>Admin__Email</c>, secret <c>Admin__Password</c>).</summary>
    public static IResourceBuilder<ProjectResource> WithAdmin(
        this IResourceBuilder<ProjectResource> gateway, IResourceBuilder<ParameterResource> email, IResourceBuilder<ParameterResource> password) =>
        gateway.WithEnvironment("Admin__Email", email).WithEnvironment("Admin__Password", password);

    /// <summary>
    /// Retrieval's vector store: the Qdrant container (<c>ConnectionStrings__qdrant</c> and <c>__qdrant_http</c>), or a
    /// configured existing Qdrant (<c>__qdrant_http</c>); with neither, retrieval keeps its embedded store.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithVectorStore(
        this IResourceBuilder<ProjectResource> retrieval, Infrastructure.BackingServices infra)
    {
        if (infra.Qdrant is { } qdrant)
        {
            return retrieval.WithReference(qdrant).WaitFor(qdrant, WaitBehavior.StopOnResourceUnavailable);
        }

        return infra.ExistingQdrantHttp is { } qdrantHttp
            ? retrieval.WithEnvironment("ConnectionStrings__qdrant_http", qdrantHttp)
            : retrieval;
    }
}
