using System.Text.Json.Nodes;

namespace CreatorChat.Deployment.Tests.Infrastructure;

/// <summary>Helm-style values: files deep-merged in order over the chart's values.yaml.</summary>
internal static class ValuesFiles
{
    public static JsonObject ChartDefaults() => Load(Path.Combine(Repo.Chart, "values.yaml"));

    public static JsonObject Load(string path) =>
        Yaml.ParseFile(path) as JsonObject ?? throw new InvalidDataException($"{path} holds no YAML mapping");

    public static JsonObject FromYaml(string yaml) =>
        Yaml.ParseDocuments(yaml).FirstOrDefault() as JsonObject ?? throw new InvalidDataException("no YAML mapping");

    /// <summary>Deep-merges <paramref name="overrides"/> into a copy of <paramref name="values"/>; null deletes a key (Helm's rule).</summary>
    public static JsonObject Merge(JsonObject values, JsonObject overrides)
    {
        var result = values.DeepClone().AsObject();
        foreach (var (key, value) in overrides)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else if (value is JsonObject child && result[key] is JsonObject existing)
            {
                result[key] = Merge(existing, child);
            }
            else
            {
                result[key] = value.DeepClone();
            }
        }

        return result;
    }
}
