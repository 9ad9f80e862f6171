using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CreatorChat.Deployment.Tests.Checks;
using CreatorChat.Deployment.Tests.Infrastructure;

namespace CreatorChat.Deployment.Tests;

/// <summary>
/// The checked-in contract (<see cref="Contract"/>) that the manifest checks use is the one the
/// code implements: the AppHost's resource names and references, the connection names the
/// services read, and the chart's own topology table.
/// </summary>
public sealed partial class ContractTests(ITestOutputHelper output)
{
    [RequiresRepoFileFact("CreatorChat.AppHost/AppHost.cs")]
    public void AppHost_resource_names_and_references_match_the_contract()
    {
        var model = AppHostModel.TryLoad()!;
        output.WriteLine("AppHost resources: " + string.Join(", ", model.ResourceNames.Order(StringComparer.Ordinal)));
        foreach (var (service, refs) in model.ServiceReferences)
        {
            output.WriteLine($"  {service} -> {string.Join(", ", refs.Order(StringComparer.Ordinal))}");
        }

        string[] expected = [.. Contract.Services.Select(s => s.Name), .. Contract.BackingServices.Keys, .. Contract.Services.Select(s => s.Database)];
        Assert.Superset(expected.ToHashSet(), model.ResourceNames.ToHashSet());
        Assert.Equal(Contract.Services.Select(s => s.Name).Order(StringComparer.Ordinal), model.ServiceReferences.Keys.Order(StringComparer.Ordinal));

        foreach (var service in Contract.Services)
        {
            var refs = model.ServiceReferences[service.Name];
            var calls = refs.Where(Contract.IsAppService).Order(StringComparer.Ordinal);
            Assert.True(calls.SequenceEqual(service.Calls.Order(StringComparer.Ordinal)),
                $"{service.Name}: the AppHost references [{string.Join(", ", calls)}], the contract says it calls [{string.Join(", ", service.Calls)}]");

            // AppHost resource -> connection name the service reads (qdrant's REST one is qdrant_http).
            var connections = refs.Where(r => !Contract.IsAppService(r)).Select(r => r == "qdrant" ? "qdrant_http" : r).Order(StringComparer.Ordinal);
            Assert.True(connections.SequenceEqual(service.ConnectionNames.Order(StringComparer.Ordinal)),
                $"{service.Name}: the AppHost passes [{string.Join(", ", connections)}], the contract lists [{string.Join(", ", service.ConnectionNames)}]");
        }
    }

    [RequiresRepoFileFact("services")]
    public void Services_read_only_connection_strings_the_deployments_set()
    {
        var scan = ServiceSourceScan.Scan();
        foreach (var (service, (names, unresolved)) in scan)
        {
            output.WriteLine($"{service}: {string.Join(", ", names.Order(StringComparer.Ordinal))}{(unresolved.Count > 0 ? "; unresolved: " + string.Join(", ", unresolved) : "")}");
        }

        Assert.All(scan.Keys, s => Assert.True(Contract.IsAppService(s), $"services/{s} is not one of the deployed services {string.Join(", ", Contract.Services)}: add it to the chart, k8s/ and Contract"));
        foreach (var (service, (names, unresolved)) in scan)
        {
            Assert.True(unresolved.Count == 0, $"{service}: cannot tell which connection string {string.Join(", ", unresolved)} reads; use a string literal or a const string");
            var allowed = Contract.Service(service).ConnectionNames;
            var unknown = names.Except(allowed).ToList();
            Assert.True(unknown.Count == 0,
                $"{service} reads ConnectionStrings__{string.Join(", ConnectionStrings__", unknown)}, which neither the chart nor k8s/ sets: add it there and to Contract");
        }
    }

    [Fact]
    public void Chart_topology_table_matches_the_contract()
    {
        var helpers = File.ReadAllText(Path.Combine(Repo.Chart, "templates", "_helpers.tpl"));
        var block = TopologyBlock().Match(helpers);
        Assert.True(block.Success, "the creatorchat.topology define is missing from _helpers.tpl");
        var table = ValuesFiles.FromYaml(block.Groups["yaml"].Value);

        Assert.Equal(Contract.Services.Select(s => s.Name).Order(StringComparer.Ordinal), table.Select(p => p.Key).Order(StringComparer.Ordinal));
        foreach (var service in Contract.Services)
        {
            var row = table[service.Name]!;
            Assert.Equal(service.Database, row["connectionString"]!.GetValue<string>());
            Assert.Equal(service.Calls, row["calls"]!.AsArray().Select(c => c!.GetValue<string>()));
            Assert.Equal(service.Callers.Order(StringComparer.Ordinal), row["callers"]!.AsArray().Select(c => c!.GetValue<string>()).Order(StringComparer.Ordinal));
            Assert.Equal(service.ConnectionNames.Contains("llm"), row["llm"] is JsonValue v && v.GetValue<bool>());
        }
    }

    [GeneratedRegex(@"define ""creatorchat\.topology"" -}}\n(?<yaml>.*?)\{\{- end", RegexOptions.Singleline)]
    private static partial Regex TopologyBlock();
}
