using CreatorChat.AppHost.Infrastructure;
using CreatorChat.AppHost.Lifecycle;
using CreatorChat.AppHost.Seeding;
using CreatorChat.ServiceDefaults.Model;

namespace CreatorChat.AppHost;

// An explicit entry point in the AppHost's namespace: the services' top-level Program classes are public, and test
// projects that see both assemblies must not find two global Program types.
internal static class Program
{
    public static int Main(string[] args)
    {
        try
        {
            var builder = DistributedApplication.CreateBuilder(args);

            // Postgres (creatordb, chatdb, retrievaldb, identitydb) and Redis ("cache"): containers (with Qdrant) when a
            // container runtime answers, else this machine's own binaries as local processes, or Infrastructure:Mode=existing.
            var infra = builder.AddBackingServices();

            var signingKey = builder.AddSigningKey();
            var adminEmail = builder.AddAdminEmail();
            var adminPassword = builder.AddGeneratedPassword(Services.AdminPasswordParameter);

            var creator = builder.AddService<Projects.CreatorChat_Creator>(ServiceNames.Creator, signingKey)
                .WithDependency(infra.CreatorDb);

            var retrieval = builder.AddService<Projects.CreatorChat_Retrieval>(ServiceNames.Retrieval, signingKey, defaultReplicas: 2)
                .WithDependency(infra.RetrievalDb)
                .WithDependency(infra.Cache)
                .WithDependency(creator)
                .WithVectorStore(infra)
                .WithDependencyIfConfigured(infra.Embeddings);

            var chat = builder.AddService<Projects.CreatorChat_Chat>(ServiceNames.Chat, signingKey, defaultReplicas: 2)
                .WithDependency(infra.ChatDb)
                .WithDependency(infra.Cache)
                .WithDependency(creator)
                .WithDependency(retrieval)
                .WithDependencyIfConfigured(infra.Llm);

            var gateway = builder.AddService<Projects.CreatorChat_Gateway>(ServiceNames.Gateway, signingKey)
                .WithExternalHttpEndpoints()
                .WithDependency(infra.IdentityDb)
                .WithDependency(infra.Cache)
                .WithDependency(creator)
                .WithDependency(chat)
                .WithDependency(retrieval)
                .WithAdmin(adminEmail, adminPassword);

            // The demo creator (Seeding/DemoData), seeded once the gateway is healthy; dashboard commands seed or reset it.
            builder.AddDemoSeed("demo", gateway, adminEmail, adminPassword);

            builder.AddStartupGuard();
            builder.AddGracefulShutdown();
            Preflight.EnsurePortsAreFree(builder);

            builder.Build().Run();
            return Environment.ExitCode;
        }
        catch (PlatformStartupException problem)
        {
            Console.Error.WriteLine($"CreatorChat cannot start: {problem.Message}");
            return 1;
        }
        catch (OperationCanceledException) when (Environment.ExitCode != 0)
        {
            // The start-up guard stopped a start that could not succeed, and has said why.
            return Environment.ExitCode;
        }
    }
}
