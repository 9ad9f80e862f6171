using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CreatorChat.ServiceDefaults.Telemetry;

public static class TelemetryExtensions
{
    /// <summary>Activity sources and meters of our own code start with this prefix.</summary>
    public const string Prefix = "CreatorChat";

    private static readonly string[] FrameworkSources = ["Microsoft.AspNetCore", "System.Net.Http", "Npgsql"];

    private static readonly string[] FrameworkMeters =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections",
        "Microsoft.AspNetCore.Routing", "Microsoft.AspNetCore.Diagnostics", "Microsoft.AspNetCore.RateLimiting",
        "System.Net.Http", "System.Net.NameResolution", "System.Runtime", "Npgsql",
    ];

    /// <summary>
    /// Traces, metrics and logs over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; nothing is
    /// exported (and no listener costs anything) otherwise.
    /// </summary>
    public static IHostApplicationBuilder ConfigureOpenTelemetry(this IHostApplicationBuilder builder)
    {
        var endpoint = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return builder;
        }

        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] ?? builder.Environment.ApplicationName;
        void ConfigureResource(ResourceBuilder resource) => resource
            .AddService(serviceName, serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId)
            .AddEnvironmentVariableDetector();

        builder.Logging.AddOpenTelemetry(logging =>
        {
            var resource = ResourceBuilder.CreateDefault();
            ConfigureResource(resource);
            logging.SetResourceBuilder(resource);
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
            logging.AddOtlpExporter();
        });

        builder.Services.AddSingleton(_ =>
        {
            var tracing = Sdk.CreateTracerProviderBuilder()
                .ConfigureResource(ConfigureResource)
                .AddSource(FrameworkSources)
                .AddSource($"{Prefix}.*")
                .AddOtlpExporter();
            return tracing.Build();
        });
        builder.Services.AddSingleton(_ =>
        {
            var metrics = Sdk.CreateMeterProviderBuilder()
                .ConfigureResource(ConfigureResource)
                .AddMeter(FrameworkMeters)
                .AddMeter($"{Prefix}.*")
                .AddOtlpExporter();
            return metrics.Build();
        });
        builder.Services.AddHostedService<TelemetryProvidersActivator>();
        return builder;
    }

    /// <summary>Creates the providers at start-up (they listen from then on) and flushes them at shutdown.</summary>
    private sealed class TelemetryProvidersActivator(TracerProvider tracing, MeterProvider metrics) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken)
        {
            tracing.ForceFlush(2000);
            metrics.ForceFlush(2000);
            return Task.CompletedTask;
        }
    }
}
