namespace CreatorChat.Cli.Config;

/// <summary>Where the CLI keeps its state: <c>$XDG_CONFIG_HOME/creatorchat</c>, else <c>~/.config/creatorchat</c>.</summary>
public static class ConfigPaths
{
    public static string Directory(CliEnvironment environment)
    {
        var root = environment.Variable("XDG_CONFIG_HOME")
            ?? Path.Combine(environment.Variable("HOME") ?? System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(root, "creatorchat");
    }

    public static string Credentials(CliEnvironment environment) => Path.Combine(Directory(environment), "credentials.json");
}
