using CreatorChat.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

// Postgres (creatordb, chatdb, retrievaldb, identitydb), Redis ("cache") and Qdrant: local containers by
// default, or existing servers with Infrastructure:Mode=existing (see BackingServices.cs).
var infra = builder.AddBackingServices();

// Every service validates the platform's tokens with this one key (Jwt__SigningKey): Parameters:jwt-signing-key
// when set, else generated once and kept in the AppHost's user secrets.
var signingKey = builder.AddSigningKey();

// Declared before retrieval, chat and gateway: they all call it.
var creator = builder.AddService<Projects.CreatorChat_Creator>("creator", signingKey)
    .WithDependency(infra.CreatorDb)
    .WithDependency(infra.Cache);

var retrieval = builder.AddService<Projects.CreatorChat_Retrieval>("retrieval", signingKey)
    .WithReplicas(2)
    .WithDependency(infra.RetrievalDb)
    .WithDependency(infra.Cache)
    .WithDependency(creator)
    .WithVectorStore(infra)
    .WithDependencyIfConfigured(infra.Embeddings);

var chat = builder.AddService<Projects.CreatorChat_Chat>("chat", signingKey)
    .WithReplicas(2)
    .WithDependency(infra.ChatDb)
    .WithDependency(infra.Cache)
    .WithDependency(creator)
    .WithDependency(retrieval)
    .WithDependencyIfConfigured(infra.Llm);

builder.AddService<Projects.CreatorChat_Gateway>("gateway", signingKey)
    .WithExternalHttpEndpoints()
    .WithDependency(infra.IdentityDb)
    .WithDependency(infra.Cache)
    .WithDependency(creator)
    .WithDependency(chat)
    .WithDependency(retrieval)
    .WithAdminIfConfigured();

builder.Build().Run();
