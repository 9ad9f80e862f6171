using System.Text.Json;
using CreatorChat.ServiceDefaults.Data;
using CreatorChat.ServiceDefaults.Health;
using CreatorChat.ServiceDefaults.Http;
using CreatorChat.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every CreatorChat service gets: telemetry, health, service discovery, resilient HttpClients,
/// problem-details errors, request ids, snake_case JSON and a graceful shutdown budget.
/// </summary>
public static class Extensions
{
    public const string HealthPath = "/health";
    public const string AlivePath = "/alive";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddServiceDiscovery();
        builder.Services.TryAddSingleton<ServiceAddresses>();
        builder.Services.ConfigureHttpClientDefaults(http => http.AddPlatformResilience());
        builder.Services.AddSingleton<Microsoft.Extensions.Http.IHttpMessageHandlerBuilderFilter, ServiceDefaultsHandlerFilter>();

        // Ours first: problems are problem+json even when the client accepts only text/event-stream.
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IProblemDetailsWriter, ProblemJsonWriter>());
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = ProblemDetailsDefaults.Customize);
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.TryAddSingleton<DependencyFaults>();
        builder.Services.AddExceptionHandler<DependencyUnavailableExceptionHandler>();
        // Binding failures (malformed JSON, text against RequestText) reach BadRequestExceptionHandler, which says what is wrong.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.Configure<JsonOptions>(options => ApiJson.Configure(options.SerializerOptions));
        builder.Services.AddSingleton<IStartupFilter, ServiceDefaultsStartupFilter>();

        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(options => options.AddServerHeader = false);
        builder.Services.Configure<HostOptions>(options =>
            options.ShutdownTimeout = builder.Configuration.GetValue("ShutdownTimeout", TimeSpan.FromSeconds(30)));
        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [HealthTags.Live]);
        builder.Services.AddSingleton<IPostConfigureOptions<HealthCheckServiceOptions>, HealthCheckBudget>();
        builder.Services.AddSingleton<IHealthCheckPublisher, DependencyHealthLog>();
        // The health service logs every failing check on every run (each probe, every publish): DependencyHealthLog
        // logs each change of state once instead.
        builder.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService", LogLevel.Critical);
        builder.Services.Configure<HealthCheckPublisherOptions>(options =>
        {
            options.Delay = TimeSpan.FromSeconds(2);
            options.Period = TimeSpan.FromSeconds(5);
        });
        return builder;
    }

    /// <summary>
    /// <c>/health</c> (ready: every dependency check passes or is only degraded) and <c>/alive</c>
    /// (live). Both answer with a bare status word, never with check details.
    /// </summary>
    public static IEndpointRouteBuilder MapDefaultEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks(HealthPath, new HealthCheckOptions())
            .DisableHttpMetrics();
        app.MapHealthChecks(AlivePath, new HealthCheckOptions { Predicate = r => r.Tags.Contains(HealthTags.Live) })
            .DisableHttpMetrics();
        return app;
    }
}

/// <summary>The JSON contract of the public API (snake_case; docs/ARCHITECTURE.md, "Public API in brief").</summary>
public static class ApiJson
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.MaxDepth = 32;
        options.Converters.Add(new RequestTextStringConverter());
        options.Converters.Add(new RequestTextJsonElementConverter());
        return options;
    }
}
