using CreatorChat.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

// Postgres (creatordb, chatdb, retrievaldb, identitydb), Redis ("cache") and Qdrant: local containers by
// default, or existing servers with Infrastructure:Mode=existing (see BackingServices.cs).
var infra = builder.AddBackingServices();

var creator = builder.AddService<Projects.CreatorChat_Creator>("creator")
    .WithDependency(infra.CreatorDb)
    .WithDependency(infra.Cache);

var retrieval = builder.AddService<Projects.CreatorChat_Retrieval>("retrieval")
    .WithReplicas(2)
    .WithDependency(infra.RetrievalDb)
    .WithDependency(infra.Cache)
    .WithDependency(creator)
    .WithVectorStore(infra)
    .WithDependencyIfConfigured(infra.Embeddings);

var chat = builder.AddService<Projects.CreatorChat_Chat>("chat")
    .WithReplicas(2)
    .WithDependency(infra.ChatDb)
    .WithDependency(infra.Cache)
    .WithDependency(creator)
    .WithDependency(retrieval)
    .WithDependencyIfConfigured(infra.Llm);

builder.AddService<Projects.CreatorChat_Gateway>("gateway")
    .WithExternalHttpEndpoints()
    .WithDependency(infra.IdentityDb)
    .WithDependency(infra.Cache)
    .WithDependency(creator)
    .WithDependency(chat)
    .WithDependency(retrieval);

builder.Build().Run();
