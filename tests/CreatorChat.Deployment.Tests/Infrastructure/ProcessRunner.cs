using System.Diagnostics;
using System.Text;

namespace CreatorChat.Deployment.Tests.Infrastructure;

internal sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError, TimeSpan Elapsed)
{
    public bool Succeeded => ExitCode == 0;

    public string Describe(string command) =>
        $"`{command}` exited {ExitCode} after {Elapsed.TotalSeconds:0.0} s\n--- stderr ---\n{StandardError}\n--- stdout (first 4000 chars) ---\n{Truncate(StandardOutput, 4000)}";

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "...";
}

internal static class ProcessRunner
{
    /// <summary>
    /// Runs a program to completion. The first use of the shared tools may install packages
    /// (Go, npm), hence the generous default timeout.
    /// </summary>
    public static ProcessResult Run(string fileName, IEnumerable<string> arguments, string? standardInput = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = standardInput is not null,
            UseShellExecute = false,
            WorkingDirectory = Repo.Root,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}");
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.Append(e.Data).Append('\n'); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.Append(e.Data).Append('\n'); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (standardInput is not null)
        {
            process.StandardInput.Write(standardInput);
            process.StandardInput.Close();
        }

        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', info.ArgumentList)} did not finish within {timeout ?? TimeSpan.FromMinutes(10)}");
        }

        process.WaitForExit(); // flushes the asynchronous readers
        lock (stdout)
        {
            lock (stderr)
            {
                return new ProcessResult(process.ExitCode, stdout.ToString(), stderr.ToString(), stopwatch.Elapsed);
            }
        }
    }
}
