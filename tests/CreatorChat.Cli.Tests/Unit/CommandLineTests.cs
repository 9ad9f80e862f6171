using CreatorChat.Cli.Tests.Support;
using Xunit;

namespace CreatorChat.Cli.Tests.Unit;

/// <summary>Bad input without a platform: the exit code and one clear line on stderr, never a stack trace.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly string _config = Directory.CreateTempSubdirectory("creatorchat-cli-").FullName;

    private CliRunner Cli(string url = "http://127.0.0.1:1/") => new(_config, new Dictionary<string, string?> { ["CREATORCHAT_URL"] = url });

    [Theory]
    [InlineData(2, "frobnicate")]
    [InlineData(2, "chat")]
    [InlineData(2, "admin", "set", "someone@example.com")]
    [InlineData(2, "admin", "set", "someone@example.com", "--tier", "gold")]
    [InlineData(2, "creators", "--url", "not a url")]
    [InlineData(2, "login", "--email", "a@b.c")]
    [InlineData(3, "whoami")]
    [InlineData(1, "creators")]
    [InlineData(1, "ingest", "kitchen-lab", "/no/such/folder")]
    public async Task Bad_input_gives_its_exit_code_and_a_short_error(int expected, params string[] args)
    {
        var result = await Cli().RunAsync(args);

        Assert.True(expected == result.ExitCode, result.ToString());
        Assert.StartsWith("creatorchat: ", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.True(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length <= 2, result.Error);
    }

    [Fact]
    public async Task A_gateway_that_is_down_is_named_in_the_error()
    {
        var result = await Cli().RunAsync("creators");
        Assert.Equal("creatorchat: Cannot reach CreatorChat at http://127.0.0.1:1/: connection refused (is it running?).\n", result.Error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Help_lists_the_commands_and_succeeds()
    {
        var result = await Cli().RunAsync("--help");
        Assert.Equal(0, result.ExitCode);
        foreach (var command in new[] { "login", "whoami", "creators", "chat", "ingest", "videos", "search", "insights", "admin" })
        {
            Assert.Contains(command, result.Output, StringComparison.Ordinal);
        }
    }

    public void Dispose() => Directory.Delete(_config, recursive: true);
}
