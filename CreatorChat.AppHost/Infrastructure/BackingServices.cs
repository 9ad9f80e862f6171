using Microsoft.Extensions.Configuration;

namespace CreatorChat.AppHost.Infrastructure;

/// <summary>
/// The servers the CreatorChat services depend on. Each reaches a service as <c>ConnectionStrings__&lt;name&gt;</c>,
/// the configuration contract of docs/ARCHITECTURE.md; a service waits for each one it depends on.
/// </summary>
internal sealed record BackingServices(
    InfrastructureMode Mode,
    IResourceBuilder<IResourceWithConnectionString> CreatorDb,
    IResourceBuilder<IResourceWithConnectionString> ChatDb,
    IResourceBuilder<IResourceWithConnectionString> RetrievalDb,
    IResourceBuilder<IResourceWithConnectionString> IdentityDb,
    IResourceBuilder<IResourceWithConnectionString> Cache,
    // Qdrant container (containers mode) or null: retrieval then uses an existing Qdrant when configured, else its embedded store.
    IResourceBuilder<QdrantServerResource>? Qdrant,
    IResourceBuilder<ParameterResource>? ExistingQdrantHttp,
    // Optional OpenAI-compatible models, "Endpoint=...;Key=...;Model=...", only when configured.
    IResourceBuilder<IResourceWithConnectionString>? Llm,
    IResourceBuilder<IResourceWithConnectionString>? Embeddings);

internal static class BackingServicesExtensions
{
    public static readonly string[] Databases = ["creatordb", "chatdb", "retrievaldb", "identitydb"];

    /// <summary>Postgres (<c>postgres</c> with its four databases), Redis (<c>cache</c>) and, with containers, Qdrant.</summary>
    public static BackingServices AddBackingServices(this IDistributedApplicationBuilder builder)
    {
        var mode = InfrastructureModeSelector.Select(builder.Configuration);
        return mode switch
        {
            InfrastructureMode.Containers => AddContainers(builder),
            InfrastructureMode.Local => AddLocalProcesses(builder),
            _ => AddExistingServers(builder),
        };
    }

    private static BackingServices AddContainers(IDistributedApplicationBuilder builder)
    {
        var postgres = builder.AddPostgres("postgres").WithDataVolume();

#pragma warning disable ASPIRECERTIFICATES001 // WithoutHttpsCertificate is marked experimental.
        // Plain "host:port,password=..." as with local and existing servers and in Kubernetes, even when a dev certificate is trusted.
        var cache = builder.AddRedis("cache").WithoutHttpsCertificate();
#pragma warning restore ASPIRECERTIFICATES001

        return new BackingServices(
            InfrastructureMode.Containers,
            CreatorDb: postgres.AddDatabase("creatordb"),
            ChatDb: postgres.AddDatabase("chatdb"),
            RetrievalDb: postgres.AddDatabase("retrievaldb"),
            IdentityDb: postgres.AddDatabase("identitydb"),
            Cache: cache,
            builder.AddQdrant("qdrant").WithDataVolume(),
            null,
            Llm: builder.AddConnectionStringIfConfigured("llm"),
            Embeddings: builder.AddConnectionStringIfConfigured("embeddings"));
    }

    private static BackingServices AddLocalProcesses(IDistributedApplicationBuilder builder)
    {
        var data = LocalData.From(builder);
        var postgres = builder.AddLocalPostgres("postgres", data);
        return new BackingServices(
            InfrastructureMode.Local,
            CreatorDb: postgres.AddDatabase("creatordb"),
            ChatDb: postgres.AddDatabase("chatdb"),
            RetrievalDb: postgres.AddDatabase("retrievaldb"),
            IdentityDb: postgres.AddDatabase("identitydb"),
            Cache: builder.AddLocalRedis("cache", data),
            null,
            builder.AddExistingQdrantIfConfigured(),
            Llm: builder.AddConnectionStringIfConfigured("llm"),
            Embeddings: builder.AddConnectionStringIfConfigured("embeddings"));
    }

    private static BackingServices AddExistingServers(IDistributedApplicationBuilder builder) =>
        new(
            InfrastructureMode.Existing,
            CreatorDb: builder.AddConnectionString("creatordb"),
            ChatDb: builder.AddConnectionString("chatdb"),
            RetrievalDb: builder.AddConnectionString("retrievaldb"),
            IdentityDb: builder.AddConnectionString("identitydb"),
            Cache: builder.AddConnectionString("cache"),
            null,
            builder.AddExistingQdrantIfConfigured(),
            Llm: builder.AddConnectionStringIfConfigured("llm"),
            Embeddings: builder.AddConnectionStringIfConfigured("embeddings"));

    // Resource names may only hold letters, digits and '-', so this resource is "qdrant-http"; retrieval gets it as qdrant_http.
    private static IResourceBuilder<ParameterResource>? AddExistingQdrantIfConfigured(this IDistributedApplicationBuilder builder) =>
        IsConfigured(builder, "qdrant_http")
            ? builder.AddParameterFromConfiguration("qdrant-http", "ConnectionStrings:qdrant_http", secret: true)
            : null;

    private static IResourceBuilder<IResourceWithConnectionString>? AddConnectionStringIfConfigured(
        this IDistributedApplicationBuilder builder, string name) =>
        IsConfigured(builder, name) ? builder.AddConnectionString(name) : null;

    private static bool IsConfigured(IDistributedApplicationBuilder builder, string connectionName) =>
        !string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(connectionName));
}
