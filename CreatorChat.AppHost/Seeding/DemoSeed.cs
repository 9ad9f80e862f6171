using CreatorChat.ServiceDefaults.Model;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CreatorChat.AppHost.Seeding;

/// <summary>The demo creator as a dashboard resource: its state says whether seeding ran, its log what it did.</summary>
internal sealed class DemoSeedResource(string name) : Resource(name);

internal static class DemoSeed
{
    public const string DemoPasswordParameter = "demo-password";

    public static string DemoDataFolder => Path.Combine(AppContext.BaseDirectory, "Seeding", "DemoData");

    /// <summary>
    /// Seeds the demo creator through the gateway's public API once the gateway is healthy, then prints where
    /// everything is. Commands in the dashboard: "Seed demo" (idempotent) and "Reset demo videos". <c>Demo:Seed=false</c>
    /// leaves it out (tests).
    /// </summary>
    public static void AddDemoSeed(
        this IDistributedApplicationBuilder builder, string name, IResourceBuilder<ProjectResource> gateway,
        IResourceBuilder<ParameterResource> adminEmail, IResourceBuilder<ParameterResource> adminPassword)
    {
        if (!builder.Configuration.GetValue("Demo:Seed", true))
        {
            return;
        }

        var demoPassword = builder.AddGeneratedPassword(DemoPasswordParameter);
        var seed = builder.AddResource(new DemoSeedResource(name))
            .WithParentRelationship(gateway)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "DemoSeed",
                State = KnownResourceStates.Waiting,
                Properties = [new("demo.creator", DemoSeeder.CreatorEmail)],
            })
            .ExcludeFromManifest();

        async Task<ExecuteCommandResult> RunAsync(IServiceProvider services, bool reset, CancellationToken cancellationToken)
        {
            var notifications = services.GetRequiredService<ResourceNotificationService>();
            var log = services.GetRequiredService<ResourceLoggerService>().GetLogger(seed.Resource);
            await notifications.PublishUpdateAsync(seed.Resource, s => s with { State = new ResourceStateSnapshot("Seeding", KnownResourceStateStyles.Info) });
            try
            {
                using var http = new HttpClient { BaseAddress = new Uri(gateway.GetEndpoint("http").Url), Timeout = TimeSpan.FromSeconds(60) };
                var seeder = new DemoSeeder(http, DemoDataFolder, line => log.LogInformation("{Line}", line));
                var email = (await adminEmail.Resource.GetValueAsync(cancellationToken))!;
                var password = (await adminPassword.Resource.GetValueAsync(cancellationToken))!;
                var creatorPassword = (await demoPassword.Resource.GetValueAsync(cancellationToken))!;
                if (reset)
                {
                    await seeder.ResetVideosAsync(email, password, creatorPassword, cancellationToken);
                }

                await seeder.SeedAsync(email, password, creatorPassword, cancellationToken);
                await notifications.PublishUpdateAsync(seed.Resource, s => s with { State = new ResourceStateSnapshot("Seeded", KnownResourceStateStyles.Success) });
                return CommandResults.Success();
            }
            catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or TaskCanceledException or IOException)
            {
                log.LogError("Seeding the demo failed: {Message}", ex.Message);
                await notifications.PublishUpdateAsync(seed.Resource, s => s with { State = new ResourceStateSnapshot("Failed", KnownResourceStateStyles.Error) });
                return CommandResults.Failure(ex.Message);
            }
        }

        builder.Eventing.Subscribe<ResourceReadyEvent>(gateway.Resource, (e, cancellationToken) =>
        {
            var lifetime = e.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>();
            _ = Task.Run(async () =>
            {
                var notifications = e.Services.GetRequiredService<ResourceNotificationService>();
                foreach (var service in ServiceNames.Backends)
                {
                    await notifications.WaitForResourceHealthyAsync(service, lifetime.ApplicationStopping);
                }

                await RunAsync(e.Services, reset: false, lifetime.ApplicationStopping);
                await Banner.PrintAsync(e.Services, gateway, adminEmail, adminPassword, demoPassword, lifetime.ApplicationStopping);
            });
            return Task.CompletedTask;
        });

        seed.WithCommand("seed-demo", "Seed demo", context => RunAsync(context.Services, reset: false, context.CancellationToken),
                new CommandOptions { Description = "Creates the demo creator and uploads its videos if missing.", IconName = "ArrowSync" })
            .WithCommand("reset-demo", "Reset demo videos", context => RunAsync(context.Services, reset: true, context.CancellationToken),
                new CommandOptions
                {
                    Description = "Deletes the demo creator's videos and uploads them again.",
                    ConfirmationMessage = "Delete and re-upload the demo creator's videos?",
                    IconName = "ArrowReset",
                });
    }
}
