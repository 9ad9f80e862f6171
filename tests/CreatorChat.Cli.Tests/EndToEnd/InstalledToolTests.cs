using System.Diagnostics;
using System.Text.Json;
using CreatorChat.Cli.Tests.Support;
using CreatorChat.Testing;
using Xunit;

namespace CreatorChat.Cli.Tests.EndToEnd;

/// <summary>The CLI as users get it: packed, installed with <c>dotnet tool install</c>, run as <c>creatorchat</c>.</summary>
[Collection(CliPlatformCollection.Name)]
public sealed class InstalledToolTests(CliPlatformFixture fixture)
{
    [Fact]
    public async Task The_installed_tool_signs_in_lists_creators_and_fails_with_exit_codes()
    {
        var root = BuildInfo.FindRepositoryRoot();
        var folder = fixture.TemporaryFolder("tool-" + Guid.NewGuid().ToString("N")[..8]);
        var packages = Path.Combine(folder, "packages");
        var tools = Path.Combine(folder, "tools");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await ProcessRunner.RunAsync("dotnet", ["pack", Path.Combine(root, "tools", "CreatorChat.Cli"), "-c", BuildInfo.Configuration, "--no-build", "-o", packages], timeout.Token);
        await ProcessRunner.RunAsync("dotnet", ["tool", "install", "CreatorChat.Cli", "--tool-path", tools, "--add-source", packages], timeout.Token);
        var creatorchat = Path.Combine(tools, OperatingSystem.IsWindows() ? "creatorchat.exe" : "creatorchat");
        var environment = new Dictionary<string, string>
        {
            ["CREATORCHAT_URL"] = fixture.Platform.GatewayUrl.ToString(),
            ["XDG_CONFIG_HOME"] = Path.Combine(folder, "config"),
        };

        var notSignedIn = await RunAsync(creatorchat, ["whoami"], environment, "", timeout.Token);
        Assert.Equal((3, "creatorchat: Not signed in: run 'creatorchat login' (or set CREATORCHAT_TOKEN)."), (notSignedIn.ExitCode, notSignedIn.Error.Trim()));

        var login = await RunAsync(creatorchat, ["login", "--email", fixture.Platform.AdminEmail, "--password-stdin"], environment, fixture.Platform.AdminPassword + "\n", timeout.Token);
        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Empty(login.Error);

        var creators = await RunAsync(creatorchat, ["creators", "--json"], environment, "", timeout.Token);
        Assert.True(creators.ExitCode == 0, creators.ToString());
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(creators.Output).RootElement.ValueKind);
        // Piped output: no colour codes.
        Assert.DoesNotContain("\u001b[", creators.Output, StringComparison.Ordinal);

        var usage = await RunAsync(creatorchat, ["chat"], environment, "", timeout.Token);
        Assert.Equal(2, usage.ExitCode);
        Assert.StartsWith("creatorchat: Required argument missing", usage.Error, StringComparison.Ordinal);

        var down = await RunAsync(creatorchat, ["creators", "--url", "http://127.0.0.1:1"], environment, "", timeout.Token);
        Assert.Equal(1, down.ExitCode);
        Assert.Equal("creatorchat: Cannot reach CreatorChat at http://127.0.0.1:1/: connection refused (is it running?).", down.Error.Trim());
    }

    private static async Task<CliResult> RunAsync(string file, string[] args, IReadOnlyDictionary<string, string> environment, string input, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        info.Environment.Remove("CREATORCHAT_TOKEN");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        await process.WaitForExitAsync(cancellationToken);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
