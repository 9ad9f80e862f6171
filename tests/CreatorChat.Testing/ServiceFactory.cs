using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace CreatorChat.Testing;

/// <summary>
/// Runs one real service in-process (its real Program, real Postgres/Redis) with configuration given
/// the way the platform gives it. The environment is <c>Testing</c>: production rules (a signing key is
/// required, no developer exception pages) apply.
/// </summary>
public class ServiceFactory<TProgram>(IReadOnlyDictionary<string, string?> configuration) : WebApplicationFactory<TProgram>
    where TProgram : class
{
    protected override IHost CreateHost(IHostBuilder builder)
    {
        builder.ConfigureHostConfiguration(config => config.AddInMemoryCollection(configuration));
        return base.CreateHost(builder);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(configuration));
    }
}
