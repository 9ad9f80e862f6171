using System.Text.RegularExpressions;
using CreatorChat.Deployment.Tests.Infrastructure;

namespace CreatorChat.Deployment.Tests.Checks;

/// <summary>
/// What CreatorChat.AppHost/*.cs declares, read from the source with regular expressions, so the contract is
/// checked against the code as written (AppHostModelTests check the built model). Service names written as
/// <c>ServiceNames.X</c> are read from the file that defines them, as the AppHost compiles it.
/// </summary>
internal sealed partial record AppHostModel(
    IReadOnlySet<string> ResourceNames,
    IReadOnlyDictionary<string, IReadOnlySet<string>> ServiceReferences)
{
    public static string Folder => Path.Combine(Repo.Root, "CreatorChat.AppHost");

    public static string ServiceNamesFile => Path.Combine(Repo.Root, "CreatorChat.ServiceDefaults", "Model", "ServiceNames.cs");

    public static AppHostModel? TryLoad()
    {
        if (!Directory.Exists(Folder))
        {
            return null;
        }

        var source = string.Join("\n", Directory.EnumerateFiles(Folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText));
        source = Comments().Replace(source, " ");
        foreach (Match m in ServiceNameConstant().Matches(File.ReadAllText(ServiceNamesFile)))
        {
            source = source.Replace($"ServiceNames.{m.Groups["name"].Value}", $"\"{m.Groups["value"].Value}\"", StringComparison.Ordinal);
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in AddResource().Matches(source))
        {
            names.Add(m.Groups["name"].Value);
        }

        // variable -> resource name: `var chat = builder.AddService<...>("chat")`, `var cache = builder.AddRedis("cache")`
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in VariableResource().Matches(source))
        {
            variables[m.Groups["var"].Value] = m.Groups["name"].Value;
        }

        // infra members -> resource names: `ChatDb: postgres.AddDatabase("chatdb")`, `Cache: cache`, `Llm: builder.X("llm")`
        foreach (Match m in NamedArgumentResource().Matches(source))
        {
            variables["infra." + m.Groups["member"].Value] = m.Groups["name"].Value;
        }

        foreach (Match m in NamedArgumentVariable().Matches(source))
        {
            if (variables.TryGetValue(m.Groups["var"].Value, out var name))
            {
                variables["infra." + m.Groups["member"].Value] = name;
            }
        }

        // per service statement: which resources it references
        var references = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var statement in source.Split(';'))
        {
            var service = AddService().Match(statement);
            if (!service.Success)
            {
                continue;
            }

            var used = new HashSet<string>(StringComparer.Ordinal);
            foreach (Match dependency in Dependency().Matches(statement))
            {
                if (variables.TryGetValue(dependency.Groups["ref"].Value, out var name))
                {
                    used.Add(name);
                }
            }

            if (statement.Contains(".WithVectorStore(", StringComparison.Ordinal))
            {
                used.Add("qdrant");
            }

            references[service.Groups["name"].Value] = used;
        }

        return new AppHostModel(names, references);
    }

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex Comments();

    [GeneratedRegex(@"\.Add(?:Service|Project|Postgres|Redis|Qdrant|Database)(?:<[^>]+>)?\(\s*""(?<name>[^""]+)""")]
    private static partial Regex AddResource();

    [GeneratedRegex(@"\.Add(?:Service|Project)<[^>]+>\(\s*""(?<name>[^""]+)""")]
    private static partial Regex AddService();

    [GeneratedRegex(@"var\s+(?<var>\w+)\s*=\s*builder\s*\.\s*Add\w*(?:<[^>]+>)?\(\s*""(?<name>[^""]+)""")]
    private static partial Regex VariableResource();

    [GeneratedRegex(@"(?<member>[A-Z]\w*)\s*:\s*[\w.]*?Add\w*\(\s*""(?<name>[^""]+)""")]
    private static partial Regex NamedArgumentResource();

    [GeneratedRegex(@"(?<member>[A-Z]\w*)\s*:\s*(?<var>[a-z]\w*)\s*[,)]")]
    private static partial Regex NamedArgumentVariable();

    [GeneratedRegex(@"\.(?:WithDependency|WithDependencyIfConfigured|WithReference)\(\s*(?<ref>[\w.]+)\s*\)")]
    private static partial Regex Dependency();

    [GeneratedRegex(@"const\s+string\s+(?<name>\w+)\s*=\s*""(?<value>[^""]*)""")]
    private static partial Regex ServiceNameConstant();
}

/// <summary>
/// The connection names each service's source reads through ServiceDefaults
/// (<c>AddNpgsqlDataSource("x")</c>, <c>AddRedisClient("x")</c>) or <c>GetConnectionString("x")</c>;
/// an argument that is a constant (<c>ChatDatabase.ConnectionName</c>) is resolved from the
/// service's own <c>const string ConnectionName = "x"</c>.
/// </summary>
internal static partial class ServiceSourceScan
{
    public static string Folder => Path.Combine(Repo.Root, "services");

    /// <summary>service name (lower-case folder name) -> connection names read, with unresolved arguments listed apart.</summary>
    public static IReadOnlyDictionary<string, (IReadOnlySet<string> Names, IReadOnlyList<string> Unresolved)> Scan()
    {
        var result = new Dictionary<string, (IReadOnlySet<string>, IReadOnlyList<string>)>(StringComparer.Ordinal);
        // A .NET project is a service; services/Web (the web app, built into the gateway) is not.
        foreach (var dir in Directory.EnumerateDirectories(Folder).Where(d => Directory.EnumerateFiles(d, "*.csproj").Any()))
        {
            var files = Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                            && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .ToList();
            var source = string.Join("\n", files.Select(File.ReadAllText));
            var constants = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match m in StringConstant().Matches(source))
            {
                constants[m.Groups["name"].Value] = m.Groups["value"].Value;
            }

            var names = new HashSet<string>(StringComparer.Ordinal);
            var unresolved = new List<string>();
            foreach (Match m in ConnectionCall().Matches(source))
            {
                var argument = m.Groups["arg"].Value.Trim();
                if (argument.StartsWith('"'))
                {
                    names.Add(argument.Trim('"'));
                }
                else if (constants.TryGetValue(argument.Split('.')[^1], out var value))
                {
                    names.Add(value);
                }
                else if (argument != "connectionName")
                {
                    unresolved.Add($"{m.Groups["call"].Value}({argument})");
                }
            }

            result[Path.GetFileName(dir).ToLowerInvariant()] = (names, unresolved);
        }

        return result;
    }

    [GeneratedRegex(@"(?<call>AddNpgsqlDataSource|AddNpgsqlDatabase|AddRedisClient|AddRedis|GetConnectionString|GetRequiredConnectionString)\(\s*(?<arg>""[^""]+""|[\w.]+)\s*[,)]")]
    private static partial Regex ConnectionCall();

    [GeneratedRegex(@"const\s+string\s+(?<name>\w+)\s*=\s*""(?<value>[^""]*)""")]
    private static partial Regex StringConstant();
}
