namespace CreatorChat.Deployment.Tests.Infrastructure;

/// <summary>
/// A fact that xunit reports as skipped, with the reason, when a tool it needs is missing.
/// (xunit 2 has no dynamic skip: the reason is decided when the attribute is constructed,
/// that is when the tests are discovered.)
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RequiresToolsFactAttribute : FactAttribute
{
    public RequiresToolsFactAttribute(params Tool[] tools) => Skip = SkipReason.For(tools);
}

/// <summary>A theory skipped, with the reason, when a tool it needs is missing.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RequiresToolsTheoryAttribute : TheoryAttribute
{
    public RequiresToolsTheoryAttribute(params Tool[] tools) => Skip = SkipReason.For(tools);
}

/// <summary>A fact skipped when a repository file it reads does not exist (yet).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RequiresRepoFileFactAttribute : FactAttribute
{
    public RequiresRepoFileFactAttribute(string relativePath)
    {
        if (!File.Exists(Path.Combine(Repo.Root, relativePath)) && !Directory.Exists(Path.Combine(Repo.Root, relativePath)))
        {
            Skip = $"{relativePath} does not exist in this repository (yet)";
        }
    }
}

internal static class SkipReason
{
    public static string? For(IEnumerable<Tool> tools)
    {
        var reasons = tools.Select(Tools.MissingReason).OfType<string>().ToList();
        return reasons.Count == 0 ? null : "Skipped: " + string.Join("; ", reasons);
    }
}
