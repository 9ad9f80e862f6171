using CreatorChat.Deployment.Tests.Infrastructure;

namespace CreatorChat.Deployment.Tests;

/// <summary>
/// Missing or contradictory values stop the render (so `helm install` applies nothing) with a
/// message that names what to set. With real helm, values.schema.json may catch a case first;
/// its message names the same key, which is what the expectations look for.
/// </summary>
public sealed class BadValuesTests(ITestOutputHelper output)
{
    private const string Key = Renders.SigningKey;

    private static readonly string[] External =
    [
        "--set", "postgresql.external.host=pg.example.internal", "--set-string", "postgresql.external.password=pw",
        "--set", "redis.external.host=redis.example.internal", "--set-string", $"jwt.signingKey={Key}",
    ];

    public static TheoryData<string, string[], string[]> Cases => new()
    {
        { "plain defaults: no database", [], ["postgresql.external.host is required", "postgresql.enabled=true", "secrets.existingSecret"] },
        { "database host without password", ["--set", "postgresql.external.host=pg"], ["postgresql.external.password"] },
        { "no Redis", ["--set", "postgresql.external.host=pg", "--set-string", "postgresql.external.password=pw"], ["redis.external.host is required"] },
        { "no JWT signing key", ["--set", "postgresql.enabled=true", "--set", "redis.enabled=true"], ["jwt.signingKey is required", "secrets.existingSecret"] },
        { "short JWT signing key", [.. External, "--set-string", "jwt.signingKey=short"], ["signingKey"] },
        { "signing key still under gateway (its old place)", [.. External, "--set-string", $"gateway.jwt.signingKey={Key}"], ["jwt"] },
        { "Redis password with a comma", [.. External, "--set-string", "redis.external.password=a\\,b"], ["redis.external.password"] },
        { "autoscaling min above max", [.. External, "--set", "chat.autoscaling.minReplicas=60"], ["chat.autoscaling.minReplicas (60) must not exceed chat.autoscaling.maxReplicas (50)"] },
        { "existingSecret with in-cluster Postgres", ["--set", "secrets.existingSecret=s", "--set", "postgresql.enabled=true"], ["cannot be combined with secrets.existingSecret"] },
        { "admin e-mail without password", [.. External, "--set", "gateway.admin.email=ops@example.com"], ["gateway.admin.password is required"] },
        { "name prefix that is no DNS label", [.. External, "--set", "namePrefix=9x-"], ["namePrefix", "DNS-1035"] },
        { "grace period shorter than the preStop pause", [.. External, "--set", "lifecycle.preStopSleepSeconds=60"], ["terminationGracePeriodSeconds", "preStopSleepSeconds"] },
        { "both PDB forms", [.. External, "--set", "creator.pdb.minAvailable=1"], ["creator.pdb", "exactly one"] },
        { "in-cluster and external Postgres at once", [.. External, "--set", "postgresql.enabled=true"], ["postgresql.enabled=true", "postgresql.external.host, not both"] },
        { "Ingress without hosts", [.. External, "--set", "ingress.enabled=true", "--set", "ingress.hosts=null"], ["ingress.hosts"] },
    };

    [RequiresToolsTheory(Tool.HelmRenderer)]
    [MemberData(nameof(Cases))]
    public void Bad_values_fail_with_a_message_that_says_what_to_set(string description, string[] arguments, string[] expectedInMessage)
    {
        var result = Renders.RunHelm("creatorchat", Repo.Chart, "creatorchat", arguments);
        output.WriteLine($"{description}: exit {result.ExitCode}\n{result.StandardError}");

        Assert.False(result.Succeeded, $"{description}: rendered although it should fail");
        Assert.All(expectedInMessage, fragment => Assert.Contains(fragment, result.StandardError, StringComparison.Ordinal));
    }

    [RequiresToolsFact(Tool.HelmRenderer)]
    public void No_image_tag_and_no_appVersion_fails_naming_the_value_to_set()
    {
        var copy = Path.Combine(Path.GetTempPath(), $"creatorchat-chart-{Guid.NewGuid():N}", "creatorchat");
        try
        {
            CopyDirectory(Repo.Chart, copy);
            var chartYaml = Path.Combine(copy, "Chart.yaml");
            File.WriteAllLines(chartYaml, File.ReadAllLines(chartYaml).Where(l => !l.StartsWith("appVersion:", StringComparison.Ordinal)));

            var result = Renders.RunHelm("creatorchat", copy, "creatorchat", External);
            output.WriteLine(result.StandardError);

            Assert.False(result.Succeeded);
            Assert.Contains("no image tag for gateway: set gateway.image.tag or image.tag", result.StandardError, StringComparison.Ordinal);

            var tagged = Renders.RunHelm("creatorchat", copy, "creatorchat", [.. External, "--set", "image.tag=1.2.3"]);
            Assert.True(tagged.Succeeded, tagged.StandardError);
            Assert.Contains("image: \"creatorchat/chat:1.2.3\"", tagged.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(copy)!, recursive: true);
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(dir.Replace(from, to, StringComparison.Ordinal));
        }

        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, file.Replace(from, to, StringComparison.Ordinal));
        }
    }
}
