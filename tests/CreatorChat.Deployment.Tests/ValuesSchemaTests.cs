using System.Text.Json.Nodes;
using CreatorChat.Deployment.Tests.Infrastructure;

namespace CreatorChat.Deployment.Tests;

/// <summary>
/// values.schema.json, enforced here the way `helm install` enforces it (the offline
/// helm-template does not): the shipped values pass, misspelt keys and wrong types fail with
/// the path of the bad value.
/// </summary>
public sealed class ValuesSchemaTests(ITestOutputHelper output)
{
    private static readonly Lazy<ValuesSchema> Schema = new(() => ValuesSchema.Load(Path.Combine(Repo.Chart, "values.schema.json")));

    public static TheoryData<string> GoodFiles =>
    [
        "helm/creatorchat/values-production.yaml",
        "tests/CreatorChat.Deployment.Tests/values/minimal-external.yaml",
        "tests/CreatorChat.Deployment.Tests/values/production-secrets.yaml",
        "tests/CreatorChat.Deployment.Tests/values/prefixed.yaml",
    ];

    [Fact]
    public void Schema_is_draft_07_and_closed()
    {
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Chart, "values.schema.json")))!.AsObject();
        Assert.Equal("http://json-schema.org/draft-07/schema#", schema["$schema"]!.GetValue<string>());
        Assert.False(schema["additionalProperties"]!.GetValue<bool>(), "unknown top-level keys must fail");
        _ = Schema.Value; // JsonSchema.Net parses it
    }

    [Fact]
    public void Chart_defaults_are_valid() =>
        AssertValid(ValuesFiles.ChartDefaults(), "values.yaml");

    [Theory]
    [MemberData(nameof(GoodFiles))]
    public void Shipped_values_files_are_valid(string file) =>
        AssertValid(ValuesFiles.Merge(ValuesFiles.ChartDefaults(), ValuesFiles.Load(Path.Combine(Repo.Root, file))), file);

    public static TheoryData<string, string> BadValues => new()
    {
        { "gatway: {replicaCount: 2}", "unknown property 'gatway'" },
        { "chat: {autoscaling: {maxReplicas: lots}}", "chat.autoscaling.maxReplicas" },
        { "chat: {autoscaling: {targetCPUUtilizationPercentage: 170}}", "chat.autoscaling.targetCPUUtilizationPercentage" },
        { "creator: {service: {type: LoadBalancer}}", "creator.service.type" },
        { "ingress: {enabled: \"yes\"}", "ingress.enabled" },
        { "containerSecurityContext: {allowPrivilegeEscalation: true}", "containerSecurityContext.allowPrivilegeEscalation" },
        { "podSecurityContext: {runAsNonRoot: false}", "podSecurityContext.runAsNonRoot" },
        { "redis: {external: {password: \"a,b\"}}", "redis.external.password" },
        { "jwt: {signingKey: short}", "jwt.signingKey" },
        { "gateway: {jwt: {signingKey: moved-to-the-top-level-jwt-signingKey}}", "unknown property 'jwt'" },
        { "gateway: {resources: {requests: {cpu: lots, memory: 1Gi}}}", "gateway.resources.requests.cpu" },
        { "retrieval: {resources: {limits: null}}", "retrieval.resources: required: Required properties [\"limits\"]" },
        { "image: {pullPolicy: Sometimes}", "image.pullPolicy" },
        { "postgresql: {external: {sslMode: Maybe}}", "postgresql.external.sslMode" },
        { "llm: {endpoint: api.openai.com}", "llm.endpoint" },
        { "ingress: {enabled: true, hosts: []}", "ingress.hosts" },
        { "networkPolicy: {egress: {externalCidr: everywhere}}", "networkPolicy.egress.externalCidr" },
        { "chat: {database: {name: \"chat-db; drop\"}}", "chat.database.name" },
        { "lifecycle: {preStopSleepSeconds: -1}", "lifecycle.preStopSleepSeconds" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public void Bad_values_fail_the_schema_naming_the_value(string overrides, string expected)
    {
        var values = ValuesFiles.Merge(ValuesFiles.ChartDefaults(), ValuesFiles.FromYaml(overrides));

        var errors = Schema.Value.Validate(values);
        output.WriteLine(string.Join("\n", errors));

        Assert.NotEmpty(errors);
        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    private void AssertValid(JsonObject values, string what)
    {
        var errors = Schema.Value.Validate(values);
        output.WriteLine(errors.Count == 0 ? $"{what}: valid" : string.Join("\n", errors));
        Assert.True(errors.Count == 0, $"{what} violates values.schema.json:\n{string.Join("\n", errors)}");
    }
}
