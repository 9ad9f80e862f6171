namespace CreatorChat.Deployment.Tests.Checks;

/// <summary>What a render is expected to be.</summary>
/// <param name="NamePrefix">Prefix of every resource name ("" keeps the AppHost names).</param>
/// <param name="FullyConfigured">Every optional dependency is configured: every variable of the contract must be set.</param>
/// <param name="ExternalSecret">A Secret that is referenced but not rendered (created outside the release).</param>
/// <param name="ExpectChecksums">Helm: pods carry checksum annotations of their ConfigMap/Secret.</param>
/// <param name="InClusterDependencies">Postgres, Redis and Qdrant run in the cluster.</param>
internal sealed record Expectations(
    string NamePrefix,
    bool FullyConfigured,
    string? ExternalSecret,
    bool ExpectChecksums,
    bool InClusterDependencies);
