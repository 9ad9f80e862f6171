using Microsoft.Extensions.Configuration;

namespace CreatorChat.AppHost;

/// <summary>
/// The servers the CreatorChat services depend on. Each one reaches a service as
/// <c>ConnectionStrings__&lt;name&gt;</c>, the configuration contract of docs/ARCHITECTURE.md.
/// </summary>
internal sealed record BackingServices(
    IResourceBuilder<IResourceWithConnectionString> CreatorDb,
    IResourceBuilder<IResourceWithConnectionString> ChatDb,
    IResourceBuilder<IResourceWithConnectionString> RetrievalDb,
    IResourceBuilder<IResourceWithConnectionString> IdentityDb,
    IResourceBuilder<IResourceWithConnectionString> Cache,
    // Qdrant container (containers mode); null in existing-servers mode.
    IResourceBuilder<QdrantServerResource>? Qdrant,
    // An existing Qdrant's REST connection string (existing-servers mode, when configured).
    IResourceBuilder<ParameterResource>? ExistingQdrantHttp,
    // Optional OpenAI-compatible models, "Endpoint=...;Key=...;Model=...", only when configured.
    IResourceBuilder<IResourceWithConnectionString>? Llm,
    IResourceBuilder<IResourceWithConnectionString>? Embeddings);

internal static class AppHostExtensions
{
    /// <summary>
    /// Selects where the backing servers come from:
    /// <list type="bullet">
    /// <item><c>containers</c> (default): Postgres, Redis and Qdrant containers; needs Docker or Podman.</item>
    /// <item><c>existing</c>: servers you already run (no Docker needed). Set, for the AppHost, the same
    /// connection strings the services read: <c>ConnectionStrings__creatordb</c>, <c>__chatdb</c>,
    /// <c>__retrievaldb</c>, <c>__identitydb</c>, <c>__cache</c> and optionally <c>__qdrant_http</c>;
    /// without <c>qdrant_http</c>, retrieval uses its embedded vector store.</item>
    /// </list>
    /// Set it as <c>Infrastructure__Mode=existing</c> (environment), <c>Infrastructure:Mode=existing</c>
    /// (command line), in appsettings.json or in the AppHost's user secrets.
    /// </summary>
    public const string ModeKey = "Infrastructure:Mode";

    public static BackingServices AddBackingServices(this IDistributedApplicationBuilder builder)
    {
        var mode = builder.Configuration[ModeKey];
        if (string.IsNullOrWhiteSpace(mode) || mode.Equals("containers", StringComparison.OrdinalIgnoreCase))
        {
            return AddContainers(builder);
        }

        if (mode.Equals("existing", StringComparison.OrdinalIgnoreCase))
        {
            return AddExistingServers(builder);
        }

        throw new InvalidOperationException($"{ModeKey} must be 'containers' or 'existing', not '{mode}'.");
    }

    private static BackingServices AddContainers(IDistributedApplicationBuilder builder)
    {
        var postgres = builder.AddPostgres("postgres").WithDataVolume();

#pragma warning disable ASPIRECERTIFICATES001 // WithoutHttpsCertificate is marked experimental.
        // Without this, Redis serves TLS with the ASP.NET developer certificate whenever one is trusted. Plain
        // "host:port,password=..." keeps the connection string the same as with existing servers and in Kubernetes.
        var cache = builder.AddRedis("cache").WithoutHttpsCertificate();
#pragma warning restore ASPIRECERTIFICATES001

        var qdrant = builder.AddQdrant("qdrant").WithDataVolume();

        return new BackingServices(
            CreatorDb: postgres.AddDatabase("creatordb"),
            ChatDb: postgres.AddDatabase("chatdb"),
            RetrievalDb: postgres.AddDatabase("retrievaldb"),
            IdentityDb: postgres.AddDatabase("identitydb"),
            Cache: cache,
            Qdrant: qdrant,
            ExistingQdrantHttp: null,
            Llm: builder.AddConnectionStringIfConfigured("llm"),
            Embeddings: builder.AddConnectionStringIfConfigured("embeddings"));
    }

    private static BackingServices AddExistingServers(IDistributedApplicationBuilder builder)
    {
        // Resource names may only hold letters, digits and '-', so this resource is "qdrant-http". It reads the
        // key the retrieval service reads, and WithVectorStore passes it on under that same name.
        var qdrantHttp = IsConfigured(builder, "qdrant_http")
            ? builder.AddParameterFromConfiguration("qdrant-http", "ConnectionStrings:qdrant_http", secret: true)
            : null;

        return new BackingServices(
            CreatorDb: builder.AddConnectionString("creatordb"),
            ChatDb: builder.AddConnectionString("chatdb"),
            RetrievalDb: builder.AddConnectionString("retrievaldb"),
            IdentityDb: builder.AddConnectionString("identitydb"),
            Cache: builder.AddConnectionString("cache"),
            Qdrant: null,
            ExistingQdrantHttp: qdrantHttp,
            Llm: builder.AddConnectionStringIfConfigured("llm"),
            Embeddings: builder.AddConnectionStringIfConfigured("embeddings"));
    }

    /// <summary>Parameter holding the platform's token signing key (<c>Parameters:jwt-signing-key</c>).</summary>
    public const string SigningKeyParameter = "jwt-signing-key";

    /// <summary>Parameters of the administrator the gateway bootstraps (<c>Parameters:admin-email</c>, <c>Parameters:admin-password</c>).</summary>
    public const string AdminEmailParameter = "admin-email";

    public const string AdminPasswordParameter = "admin-password";

    /// <summary>
    /// The key every service validates the platform's tokens with (user tokens the gateway issues and relays,
    /// service tokens on <c>/internal/**</c> routes); they refuse to start outside Development without it. Taken from
    /// <c>Parameters:jwt-signing-key</c> (at least 32 characters) when set; otherwise generated (64 letters and digits)
    /// and kept in the AppHost's user secrets, so tokens stay valid across runs and nobody is prompted for it.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddSigningKey(this IDistributedApplicationBuilder builder) =>
        builder.AddParameter(SigningKeyParameter, new GenerateParameterDefault { MinLength = 64, Special = false }, secret: true, persist: true);

    /// <summary>
    /// A CreatorChat service: the project, the <c>/health</c> readiness check all of them serve, and the platform's
    /// signing key (<c>Jwt__SigningKey</c>) all of them validate tokens with.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddService<TProject>(
        this IDistributedApplicationBuilder builder, string name, IResourceBuilder<ParameterResource> signingKey)
        where TProject : IProjectMetadata, new()
    {
        var service = builder.AddProject<TProject>(name)
            .WithEnvironment("Jwt__SigningKey", signingKey);

        // Endpoints come from the service's Properties/launchSettings.json; should that file ever go, the service
        // still gets an "http" endpoint (Aspire then sets ASPNETCORE_URLS for it).
        if (!service.Resource.Annotations.OfType<EndpointAnnotation>().Any())
        {
            service.WithHttpEndpoint();
        }

        return service.WithHttpHealthCheck("/health");
    }

    /// <summary>Passes the connection string to the service and starts the service once the server is up.</summary>
    public static IResourceBuilder<ProjectResource> WithDependency(
        this IResourceBuilder<ProjectResource> service, IResourceBuilder<IResourceWithConnectionString> dependency) =>
        service.WithReference(dependency).WaitFor(dependency);

    /// <summary>Passes <c>services__&lt;name&gt;__http__0</c> to the service and starts it once the other is healthy.</summary>
    public static IResourceBuilder<ProjectResource> WithDependency(
        this IResourceBuilder<ProjectResource> service, IResourceBuilder<ProjectResource> dependency) =>
        service.WithReference(dependency).WaitFor(dependency);

    public static IResourceBuilder<ProjectResource> WithDependencyIfConfigured(
        this IResourceBuilder<ProjectResource> service, IResourceBuilder<IResourceWithConnectionString>? dependency) =>
        dependency is null ? service : service.WithDependency(dependency);

    /// <summary>
    /// The administrator the gateway bootstraps at first start, passed as <c>Admin__Email</c> and (secret)
    /// <c>Admin__Password</c> only when configured: set both <c>Parameters:admin-email</c> and
    /// <c>Parameters:admin-password</c> (user secrets, command line, or <c>Parameters__admin_email</c> /
    /// <c>Parameters__admin_password</c> in the environment). Neither: no administrator; only one: an error.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithAdminIfConfigured(this IResourceBuilder<ProjectResource> gateway)
    {
        var builder = gateway.ApplicationBuilder;
        var email = IsParameterConfigured(builder, AdminEmailParameter);
        var password = IsParameterConfigured(builder, AdminPasswordParameter);
        if (!email && !password)
        {
            return gateway;
        }

        if (!email || !password)
        {
            throw new InvalidOperationException(
                $"Set both Parameters:{AdminEmailParameter} and Parameters:{AdminPasswordParameter}, or neither: the gateway bootstraps an administrator only from both.");
        }

        return gateway
            .WithEnvironment("Admin__Email", builder.AddParameter(AdminEmailParameter))
            .WithEnvironment("Admin__Password", builder.AddParameter(AdminPasswordParameter, secret: true));
    }

    /// <summary>
    /// Gives retrieval its Qdrant: the container's <c>ConnectionStrings__qdrant</c> (gRPC) and
    /// <c>ConnectionStrings__qdrant_http</c> (REST, the one retrieval uses), or the configured existing one.
    /// With neither, retrieval keeps its embedded vector store.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithVectorStore(
        this IResourceBuilder<ProjectResource> retrieval, BackingServices infra)
    {
        if (infra.Qdrant is { } qdrant)
        {
            return retrieval.WithReference(qdrant).WaitFor(qdrant);
        }

        if (infra.ExistingQdrantHttp is { } qdrantHttp)
        {
            return retrieval.WithEnvironment("ConnectionStrings__qdrant_http", qdrantHttp).WaitFor(qdrantHttp);
        }

        return retrieval;
    }

    private static IResourceBuilder<IResourceWithConnectionString>? AddConnectionStringIfConfigured(
        this IDistributedApplicationBuilder builder, string name) =>
        IsConfigured(builder, name) ? builder.AddConnectionString(name) : null;

    private static bool IsConfigured(IDistributedApplicationBuilder builder, string connectionName) =>
        !string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(connectionName));

    // Where AddParameter(name) looks: Parameters:<name>, then the same key with '-' as '_' (environment variables).
    private static bool IsParameterConfigured(IDistributedApplicationBuilder builder, string name) =>
        !string.IsNullOrWhiteSpace(builder.Configuration[$"Parameters:{name}"]) ||
        !string.IsNullOrWhiteSpace(builder.Configuration[$"Parameters:{name.Replace('-', '_')}"]);
}
