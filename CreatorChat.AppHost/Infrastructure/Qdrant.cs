// Qdrant as a container resource, without Aspire.Hosting.Qdrant (not served by this machine's NuGet copy). Same type
// and method names, and the same connection strings, as that package: to switch to it, delete this file and add the
// package reference.
namespace Aspire.Hosting.ApplicationModel
{
    /// <summary>A Qdrant server: gRPC (primary) and HTTP endpoints, both guarded by one API key.</summary>
    public sealed class QdrantServerResource(string name, ParameterResource apiKey) : ContainerResource(name), IResourceWithConnectionString
    {
        internal const string PrimaryEndpointName = "grpc";
        internal const string HttpEndpointName = "http";

        public ParameterResource ApiKeyParameter { get; } = apiKey;

        public EndpointReference PrimaryEndpoint => new(this, PrimaryEndpointName);

        public EndpointReference HttpEndpoint => new(this, HttpEndpointName);

        /// <summary><c>ConnectionStrings__{name}</c>: <c>Endpoint=http://host:grpc-port;Key=…</c>.</summary>
        public ReferenceExpression ConnectionStringExpression =>
            ReferenceExpression.Create($"Endpoint={PrimaryEndpoint.Property(EndpointProperty.Url)};Key={ApiKeyParameter}");

        /// <summary><c>ConnectionStrings__{name}_http</c>: <c>Endpoint=http://host:http-port;Key=…</c> (what retrieval reads).</summary>
        public ReferenceExpression HttpConnectionStringExpression =>
            ReferenceExpression.Create($"Endpoint={HttpEndpoint.Property(EndpointProperty.Url)};Key={ApiKeyParameter}");
    }
}

namespace Aspire.Hosting
{
    public static class QdrantBuilderExtensions
    {
        public const string Image = "qdrant/qdrant";
        public const string Tag = "v1.19.0";
        private const int GrpcPort = 6334;
        private const int HttpPort = 6333;

        /// <summary>Qdrant with a generated API key (<c>{name}-Key</c>, kept in user secrets) and a readiness check on <c>/readyz</c>.</summary>
        public static IResourceBuilder<QdrantServerResource> AddQdrant(
            this IDistributedApplicationBuilder builder, string name, IResourceBuilder<ParameterResource>? apiKey = null)
        {
            var key = apiKey?.Resource ?? ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-Key", special: false);
            return builder.AddResource(new QdrantServerResource(name, key))
                .WithImage(Image, Tag)
                .WithImageRegistry("docker.io")
                .WithHttpEndpoint(port: null, targetPort: GrpcPort, name: QdrantServerResource.PrimaryEndpointName)
                .WithEndpoint(QdrantServerResource.PrimaryEndpointName, e => e.Transport = "http2")
                .WithHttpEndpoint(port: null, targetPort: HttpPort, name: QdrantServerResource.HttpEndpointName)
                .WithEnvironment("QDRANT__SERVICE__API_KEY", key)
                .WithEnvironment("QDRANT__SERVICE__ENABLE_STATIC_CONTENT", "0")
                .WithHttpHealthCheck("/readyz", endpointName: QdrantServerResource.HttpEndpointName);
        }

        /// <summary>Keeps the collections in a named volume across runs.</summary>
        public static IResourceBuilder<QdrantServerResource> WithDataVolume(this IResourceBuilder<QdrantServerResource> builder, string? name = null) =>
            builder.WithVolume(name ?? $"creatorchat-{builder.Resource.Name}-data", "/qdrant/storage");

        /// <summary>Passes <c>ConnectionStrings__{name}</c> (gRPC) and <c>ConnectionStrings__{name}_http</c> (REST).</summary>
        public static IResourceBuilder<TDestination> WithReference<TDestination>(
            this IResourceBuilder<TDestination> builder, IResourceBuilder<QdrantServerResource> qdrant)
            where TDestination : IResourceWithEnvironment
        {
            builder.WithReference((IResourceBuilder<IResourceWithConnectionString>)qdrant);
            return builder.WithEnvironment($"ConnectionStrings__{qdrant.Resource.Name}_http", qdrant.Resource.HttpConnectionStringExpression);
        }
    }
}
