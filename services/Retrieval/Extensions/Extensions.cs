using CreatorChat.Retrieval.Apis;
using CreatorChat.Retrieval.Infrastructure;
using CreatorChat.Retrieval.Infrastructure.Creators;
using CreatorChat.Retrieval.Infrastructure.Data;
using CreatorChat.Retrieval.Infrastructure.Embeddings;
using CreatorChat.Retrieval.Infrastructure.Ingestion;
using CreatorChat.Retrieval.Infrastructure.Knowledge;
using CreatorChat.Retrieval.Infrastructure.Search;
using CreatorChat.Retrieval.Infrastructure.VectorStores;
using CreatorChat.Retrieval.Model;
using CreatorChat.Retrieval.Model.Chunking;
using CreatorChat.ServiceDefaults.Data;
using CreatorChat.ServiceDefaults.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace CreatorChat.Retrieval.Extensions;

public static class Extensions
{
    /// <summary>
    /// Everything retrieval runs on besides the defaults: token validation, <c>retrievaldb</c> with its migrations, Redis
    /// (knowledge-changed broadcasts), the embedding model, the vector store, the ingestion, re-embedding and reporting
    /// workers, search, and the OpenAPI document. Configuration (all optional, each section validated at start):
    /// <c>ConnectionStrings:embeddings</c> (OpenAI-compatible embeddings; else the offline embedder),
    /// <c>ConnectionStrings:qdrant_http</c> (Qdrant; else the embedded store),
    /// <c>Retrieval:Embeddings:*</c>, <c>Retrieval:VectorStore:*</c>, <c>Retrieval:Ingestion:*</c>, <c>Retrieval:Reembedding:*</c>,
    /// <c>Retrieval:Search:*</c>, <c>Retrieval:Chunking:*</c>, <c>Retrieval:Creators:*</c>, <c>Retrieval:Reporting:*</c>.
    /// </summary>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformAuthentication();
        builder.AddNpgsqlDataSource(RetrievalDatabase.ConnectionName, migrationsAssembly: typeof(RetrievalDatabase).Assembly);
        builder.AddRedisClient("cache", requiredForReadiness: false);

        builder.AddValidatedOptions<IngestionOptions>(IngestionOptions.Section);
        builder.AddValidatedOptions<ReembeddingOptions>(ReembeddingOptions.Section);
        builder.AddValidatedOptions<SearchOptions>(SearchOptions.Section);
        builder.AddValidatedOptions<ChunkingOptions>(ChunkingOptions.Section);
        builder.AddValidatedOptions<CreatorDirectoryOptions>(CreatorDirectoryOptions.Section);
        builder.AddValidatedOptions<KnowledgeReportingOptions>(KnowledgeReportingOptions.Section);

        var services = builder.Services;
        services.AddMemoryCache();
        services.AddSingleton<RetrievalTelemetry>();
        services.AddSingleton<VideoRepository>();
        services.AddSingleton<IngestionJobRepository>();
        services.AddSingleton<VectorCleanupRepository>();
        services.AddSingleton<KnowledgeRepository>();
        services.AddSingleton<EmbeddingSpaceRepository>();
        services.AddHttpClient(CreatorDirectory.ClientName);
        services.AddSingleton<CreatorDirectory>();
        services.AddSingleton<KnowledgeAccess>();

        builder.AddEmbeddings();
        builder.AddVectorStore();

        services.AddSingleton<VectorSpaceCatalog>();
        services.AddSingleton<KnowledgeChangedSignal>();
        services.AddSingleton<KnowledgeNotifier>();
        services.AddSingleton<IngestionProcessor>();
        services.AddSingleton<VectorCleanupRunner>();
        services.AddSingleton<KnowledgeSearch>();
        services.AddSingleton<IngestionWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<IngestionWorker>());
        services.AddSingleton<ReembeddingWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<ReembeddingWorker>());
        services.AddSingleton<KnowledgeCountReporter>();
        services.AddHostedService(sp => sp.GetRequiredService<KnowledgeCountReporter>());

        // Ahead of ServiceDefaults' handlers: retrieval's own dependency failures wrap the exceptions the generic rule
        // knows (HttpRequestException, timeouts), and must be answered with the dependency they name.
        services.Insert(0, ServiceDescriptor.Singleton<Microsoft.AspNetCore.Diagnostics.IExceptionHandler, RetrievalExceptionHandler>());
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            "vector-store", sp => new VectorSpaceHealthCheck(sp.GetRequiredService<VectorSpaceCatalog>()),
            HealthStatus.Unhealthy, [HealthTags.Ready], TimeSpan.FromSeconds(10)));
        services.AddOpenApi();
        return builder;
    }

    /// <summary>
    /// The embedding model, in a Microsoft.Extensions.AI pipeline with OpenTelemetry: an OpenAI-compatible server
    /// when <c>ConnectionStrings:embeddings</c> is set, else the offline model named by <c>Retrieval:Embeddings:Model</c>.
    /// </summary>
    private static void AddEmbeddings(this IHostApplicationBuilder builder)
    {
        // Which generator to build is decided here, before the container exists: read once, and validated at start as well.
        builder.AddValidatedOptions<EmbeddingOptions>(EmbeddingOptions.Section);
        var embedding = builder.Configuration.GetSection(EmbeddingOptions.Section).Get<EmbeddingOptions>() ?? new EmbeddingOptions();
        var connectionString = builder.Configuration.GetConnectionString(EmbeddingConnection.Name);
        Func<IServiceProvider, IEmbeddingGenerator<string, Embedding<float>>> inner;
        Func<IServiceProvider, EmbeddingSpace, IEmbeddingGenerator<string, Embedding<float>>?> other = (_, space) => EmbeddingModels.Offline(space);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            if (embedding.IsLexical)
            {
                inner = _ => new HashingEmbeddingGenerator(embedding.Dimensions);
            }
            else
            {
                var model = SentenceModel.Find(embedding.Model) ?? throw new InvalidOperationException(
                    $"Retrieval:Embeddings:Model '{embedding.Model}' is not an offline model: use arctic-xs, minilm or lexical, or set ConnectionStrings:embeddings.");
                inner = _ => new SentenceEncoderGenerator(model);
            }
        }
        else
        {
            var connection = EmbeddingConnection.Parse(connectionString);
            builder.AddValidatedOptions<OpenAIEmbeddingOptions>(OpenAIEmbeddingOptions.Section);
            builder.Services.AddHttpClient(EmbeddingConnection.Name, client => client.Timeout = Timeout.InfiniteTimeSpan)
                .WithResilienceOptions(EmbeddingConnection.Name);
            inner = sp => Remote(sp, connection);
            other = (sp, space) => space.Model == connection.Model ? Remote(sp, connection with { Dimensions = space.Dimensions }) : EmbeddingModels.Offline(space);
            static IEmbeddingGenerator<string, Embedding<float>> Remote(IServiceProvider sp, EmbeddingConnection connection) =>
                OpenAIEmbeddings.Create(
                    sp.GetRequiredService<IHttpClientFactory>().CreateClient(EmbeddingConnection.Name), connection, sp.GetRequiredService<OpenAIEmbeddingOptions>());
        }

        static IEmbeddingGenerator<string, Embedding<float>> Pipeline(IServiceProvider sp, IEmbeddingGenerator<string, Embedding<float>> generator) =>
            new EmbeddingGeneratorBuilder<string, Embedding<float>>(generator)
                .UseOpenTelemetry(sp.GetService<ILoggerFactory>(), RetrievalTelemetry.Name)
                .Build(sp);

        builder.Services.AddSingleton(sp => Pipeline(sp, inner(sp)));
        builder.Services.AddSingleton<Embedder>();
        builder.Services.AddHostedService<EmbeddingWarmup>();
        builder.Services.AddSingleton(sp => new EmbeddingModels(
            sp.GetRequiredService<Embedder>(), space => other(sp, space) is { } generator ? Pipeline(sp, generator) : null));
    }

    /// <summary>Qdrant when <c>ConnectionStrings:qdrant_http</c> is set, else the embedded store; one store per embedding space's collection.</summary>
    private static void AddVectorStore(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(QdrantConnection.Name);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            builder.AddValidatedOptions<EmbeddedVectorStoreOptions>(EmbeddedVectorStoreOptions.Section);
            builder.Services.AddSingleton(sp =>
            {
                var options = sp.GetRequiredService<EmbeddedVectorStoreOptions>();
                return new VectorStoreFactory("embedded", options.Collection, collection => new EmbeddedVectorStore(
                    sp.GetRequiredService<NpgsqlDataSource>(), options with { Collection = collection }, sp.GetRequiredService<ILogger<EmbeddedVectorStore>>()));
            });
        }
        else
        {
            var connection = QdrantConnection.Parse(connectionString);
            builder.AddValidatedOptions<QdrantVectorStoreOptions>(QdrantVectorStoreOptions.Section);
            builder.Services.AddHttpClient("qdrant", connection.Configure).WithResilienceOptions("qdrant");
            builder.Services.AddSingleton(sp =>
            {
                var options = sp.GetRequiredService<QdrantVectorStoreOptions>();
                return new VectorStoreFactory("qdrant", options.Collection, collection =>
                    new QdrantVectorStore(sp.GetRequiredService<IHttpClientFactory>().CreateClient("qdrant"), options with { Collection = collection }));
            });
        }
    }
}
