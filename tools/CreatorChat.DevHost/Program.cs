using CreatorChat.DevHost;
using CreatorChat.DevHost.Infrastructure;
using CreatorChat.DevHost.Seeding;

// The no-Docker AppHost: Postgres, Redis and all four services as local processes, the same
// wiring as CreatorChat.AppHost. Ctrl+C stops everything; the next run re-uses the data folder.
var repositoryRoot = BuildInfo.FindRepositoryRoot();
var arguments = CommandLine.Parse(args, repositoryRoot);
if (arguments is null)
{
    Console.Error.WriteLine(CommandLine.Usage);
    return 2;
}

using var shutdown = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    shutdown.Cancel();
};
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
    System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
    {
        context.Cancel = true;
        shutdown.Cancel();
    });

var started = System.Diagnostics.Stopwatch.StartNew();
var output = (string line) => Console.WriteLine(line);
LocalPlatform platform;
try
{
    platform = await LocalPlatform.StartAsync(arguments with { Output = output }, shutdown.Token);
}
catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or FileNotFoundException)
{
    Console.Error.WriteLine($"CreatorChat could not start: {ex.Message}");
    return 1;
}
catch (OperationCanceledException)
{
    return 130;
}

await using (platform)
{
    try
    {
        using var gateway = new HttpClient { BaseAddress = platform.GatewayUrl };
        if (arguments.Seed)
        {
            await new DemoSeeder(gateway, Path.Combine(AppContext.BaseDirectory, "DemoData"), output)
                .SeedAsync(platform.AdminEmail, platform.AdminPassword, platform.AdminPassword + "-maya", shutdown.Token);
        }

        Console.WriteLine();
        Console.WriteLine($"CreatorChat is up in {started.Elapsed.TotalSeconds:0.0} s.");
        Console.WriteLine($"  Gateway:  {platform.GatewayUrl}");
        Console.WriteLine($"  Creators: {new Uri(platform.GatewayUrl, "/api/v1/creators")}");
        Console.WriteLine($"  API docs: {new Uri(platform.GatewayUrl, "/docs")}");
        Console.WriteLine($"  Admin:    {platform.AdminEmail} / {platform.AdminPassword}");
        Console.WriteLine($"  Creator:  {DemoSeeder.CreatorEmail} / {platform.AdminPassword}-maya");
        Console.WriteLine($"  Data:     {arguments.DataFolder}");
        Console.WriteLine("Press Ctrl+C to stop.");
        await Task.Delay(Timeout.Infinite, shutdown.Token);
    }
    catch (OperationCanceledException)
    {
        Console.WriteLine("Stopping CreatorChat…");
    }
    catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException)
    {
        Console.Error.WriteLine($"CreatorChat started but seeding failed: {ex.Message}");
        Console.WriteLine("Stopping CreatorChat…");
        return 1;
    }
}

Console.WriteLine("Stopped.");
return 0;
