using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace CreatorChat.Deployment.Tests.Infrastructure;

/// <summary>values.schema.json through JsonSchema.Net (draft 07), the way `helm install` enforces it.</summary>
internal sealed class ValuesSchema(JsonSchema schema)
{
    public static ValuesSchema Load(string path) => new(JsonSchema.FromFile(path));

    /// <summary>Every violation as "dotted.instance.path: message"; empty when the instance is valid.</summary>
    public IReadOnlyList<string> Validate(JsonNode? instance)
    {
        var results = schema.Evaluate(JsonSerializer.SerializeToElement(instance), new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
        var errors = new List<string>();
        Collect(results, errors);
        return errors.Distinct().ToList();
    }

    // Only failures that fail their parent: a branch of a passing anyOf/oneOf is not a violation.
    private static void Collect(EvaluationResults node, List<string> errors)
    {
        if (node.IsValid)
        {
            return;
        }

        var path = Dotted(node.InstanceLocation.ToString());
        foreach (var (keyword, message) in node.Errors ?? [])
        {
            // additionalProperties: false fails the property against the false schema; say what that means.
            errors.Add(keyword.Length == 0 && node.EvaluationPath.ToString().EndsWith("/additionalProperties", StringComparison.Ordinal)
                ? $"{path}: unknown property '{path.Split('.')[^1]}'"
                : $"{path}: {keyword}: {message}");
        }

        foreach (var child in node.Details ?? [])
        {
            Collect(child, errors);
        }
    }

    private static string Dotted(string pointer) => string.Join('.', pointer.Split('/', StringSplitOptions.RemoveEmptyEntries));
}
