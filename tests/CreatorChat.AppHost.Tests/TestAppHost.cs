using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace CreatorChat.AppHost.Tests;

internal static class TestAppHost
{
    /// <summary>
    /// Creates the CreatorChat AppHost under test with its "http" launch profile (no developer certificate) and no demo
    /// seeding. <paramref name="configuration"/> holds <c>key=value</c> settings that override the environment.
    /// </summary>
    public static Task<IDistributedApplicationTestingBuilder> CreateAsync(
        CancellationToken cancellationToken, params string[] configuration) =>
        DistributedApplicationTestingBuilder.CreateAsync<Projects.CreatorChat_AppHost>(
            ["DOTNET_LAUNCH_PROFILE=http", "Demo:Seed=false", .. configuration], cancellationToken);

    public static IResource Get(this IDistributedApplicationTestingBuilder appHost, string name) =>
        appHost.Resources.TryGetByName(name, out var resource) && resource is not null
            ? resource
            : throw new InvalidOperationException($"The AppHost has no resource named '{name}'.");

    /// <summary>Names of the resources this one waits for before it starts.</summary>
    public static IReadOnlyList<string> Waits(this IResource resource) =>
        resource.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name).ToList();

    /// <summary>Names of the resources this one references (WithReference, WithEnvironment(parameter)).</summary>
    public static IReadOnlyList<string> References(this IResource resource) =>
        resource.Annotations.OfType<ResourceRelationshipAnnotation>()
            .Where(r => r.Type == "Reference")
            .Select(r => r.Resource.Name)
            .ToList();
}
