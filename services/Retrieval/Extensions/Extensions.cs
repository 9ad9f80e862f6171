using CreatorChat.Retrieval.Infrastructure.Creators;
using CreatorChat.Retrieval.Infrastructure.Data;
using CreatorChat.Retrieval.Infrastructure.Embeddings;
using CreatorChat.Retrieval.Infrastructure.Ingestion;
using CreatorChat.Retrieval.Infrastructure.Knowledge;
using CreatorChat.Retrieval.Infrastructure.VectorStores;
using CreatorChat.Retrieval.Model.Chunking;
using CreatorChat.ServiceDefaults.Data;
using CreatorChat.ServiceDefaults.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace CreatorChat.Retrieval.Infrastructure;

public static class RetrievalServiceExtensions
{
    /// <summary>
    /// Everything retrieval runs on. Configuration (all optional):
    /// <c>ConnectionStrings:embeddings</c> (OpenAI-compatible embeddings; else the offline embedder),
    /// <c>ConnectionStrings:qdrant_http</c> (Qdrant; else the embedded store),
    /// <c>Retrieval:Embeddings:Dimensions</c>, <c>Retrieval:VectorStore:*</c>, <c>Retrieval:Ingestion:*</c>, <c>Retrieval:Reembedding:*</c>,
    /// <c>Retrieval:Search:*</c>, <c>Retrieval:Chunking:*</c>, <c>Retrieval:Creators:*</c>, <c>Retrieval:Reporting:*</c>.
    /// </summary>
    public static IHostApplicationBuilder AddRetrieval(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        T Options<T>(string section) where T : new() => configuration.GetSection(section).Get<T>() ?? new T();

        services.AddSingleton(Options<IngestionOptions>("Retrieval:Ingestion"));
        services.AddSingleton(Options<SearchOptions>("Retrieval:Search"));
        services.AddSingleton(Options<ChunkingOptions>("Retrieval:Chunking"));
        services.AddSingleton(Options<CreatorDirectoryOptions>("Retrieval:Creators"));
        services.AddSingleton(Options<KnowledgeReportingOptions>("Retrieval:Reporting"));

        services.AddMemoryCache();
        services.AddSingleton<RetrievalTelemetry>();
        services.AddSingleton<KnowledgeRepository>();
        services.AddHttpClient(CreatorDirectory.ClientName);
        services.AddSingleton<CreatorDirectory>();
        services.AddSingleton<KnowledgeAccess>();

        AddEmbeddings(builder);
        AddVectorStore(builder);

        services.AddSingleton(Options<ReembeddingOptions>("Retrieval:Reembedding"));
        services.AddSingleton<EmbeddingSpaceRepository>();
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

        services.AddExceptionHandler<RetrievalExceptionHandler>();
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            "vector-store", sp => new VectorSpaceHealthCheck(sp.GetRequiredService<VectorSpaceCatalog>()),
            HealthStatus.Unhealthy, [HealthTags.Ready], TimeSpan.FromSeconds(10)));
        return builder;
    }

    /// <summary>
    /// The embedding model, in a Microsoft.Extensions.AI pipeline with OpenTelemetry: an OpenAI-compatible server
    /// when <c>ConnectionStrings:embeddings</c> is set, else the offline model named by <c>Retrieval:Embeddings:Model</c>
    /// (<c>arctic-xs</c>, the default; <c>minilm</c>; or <c>lexical</c>, the hashed lexical embedder).
    /// </summary>
    private static void AddEmbeddings(IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(EmbeddingConnection.Name);
        Func<IServiceProvider, IEmbeddingGenerator<string, Embedding<float>>> inner;
        Func<IServiceProvider, EmbeddingSpace, IEmbeddingGenerator<string, Embedding<float>>?> other = (_, space) => EmbeddingModels.Offline(space);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            var name = builder.Configuration.GetValue("Retrieval:Embeddings:Model", DefaultOfflineModel)!;
            if (string.Equals(name, "lexical", StringComparison.OrdinalIgnoreCase))
            {
                var dimensions = builder.Configuration.GetValue("Retrieval:Embeddings:Dimensions", HashingEmbeddingGenerator.DefaultDimensions);
                inner = _ => new HashingEmbeddingGenerator(dimensions);
            }
            else
            {
                var model = SentenceModel.Find(name) ?? throw new InvalidOperationException(
                    $"Retrieval:Embeddings:Model '{name}' is not an offline model: use arctic-xs, minilm or lexical, or set ConnectionStrings:embeddings.");
                inner = _ => new SentenceEncoderGenerator(model);
            }
        }
        else
        {
            var connection = EmbeddingConnection.Parse(connectionString);
            var options = builder.Configuration.GetSection("Retrieval:Embeddings").Get<OpenAIEmbeddingOptions>() ?? new OpenAIEmbeddingOptions();
            builder.Services.AddHttpClient(EmbeddingConnection.Name, client => client.Timeout = Timeout.InfiniteTimeSpan)
                .WithResilienceOptions(EmbeddingConnection.Name);
            inner = sp => Remote(sp, connection);
            other = (sp, space) => space.Model == connection.Model ? Remote(sp, connection with { Dimensions = space.Dimensions }) : EmbeddingModels.Offline(space);
            IEmbeddingGenerator<string, Embedding<float>> Remote(IServiceProvider sp, EmbeddingConnection connection) =>
                OpenAIEmbeddings.Create(sp.GetRequiredService<IHttpClientFactory>().CreateClient(EmbeddingConnection.Name), connection, options);
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

    /// <summary>Chosen on the HF-course question set (tools/CreatorChat.Benchmarks retrieval-quality): see the README.</summary>
    public const string DefaultOfflineModel = "arctic-xs";

    private static void AddVectorStore(IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(QdrantConnection.Name);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            var options = builder.Configuration.GetSection("Retrieval:VectorStore").Get<EmbeddedVectorStoreOptions>() ?? new EmbeddedVectorStoreOptions();
            builder.Services.AddSingleton(options);
            builder.Services.AddSingleton(sp => new VectorStoreFactory("embedded", options.Collection, collection => new EmbeddedVectorStore(
                sp.GetRequiredService<NpgsqlDataSource>(), options with { Collection = collection }, sp.GetRequiredService<ILogger<EmbeddedVectorStore>>())));
        }
        else
        {
            var connection = QdrantConnection.Parse(connectionString);
            var options = builder.Configuration.GetSection("Retrieval:VectorStore").Get<QdrantVectorStoreOptions>() ?? new QdrantVectorStoreOptions();
            builder.Services.AddHttpClient("qdrant", connection.Configure).WithResilienceOptions("qdrant");
            builder.Services.AddSingleton(sp => new VectorStoreFactory("qdrant", options.Collection, collection =>
                new QdrantVectorStore(sp.GetRequiredService<IHttpClientFactory>().CreateClient("qdrant"), options with { Collection = collection })));
        }
    }
}
