using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace CreatorChat.ServiceDefaults.Telemetry;

public static class TelemetryExtensions
{
    /// <summary>Activity sources and meters of our own code start with this prefix.</summary>
    public const string Prefix = "CreatorChat";

    /// <summary>
    /// The Aspire ServiceDefaults wiring: ASP.NET Core, HttpClient and runtime instrumentation (Npgsql and
    /// Redis come with their Aspire client integrations), health and liveness probes left out of traces,
    /// OTLP only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Without an exporter nothing is sampled,
    /// so no span is built only to be dropped.
    /// </summary>
    public static IHostApplicationBuilder ConfigureOpenTelemetry(this IHostApplicationBuilder builder)
    {
        var useOtlpExporter = ExportsTelemetry(builder);

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter($"{Prefix}.*"))
            .WithTracing(tracing =>
            {
                tracing
                    .AddSource(builder.Environment.ApplicationName)
                    .AddSource($"{Prefix}.*")
                    .AddAspNetCoreInstrumentation(options => options.Filter = context =>
                        !context.Request.Path.StartsWithSegments(Extensions.HealthPath) &&
                        !context.Request.Path.StartsWithSegments(Extensions.AlivePath))
                    .AddHttpClientInstrumentation();
                if (!useOtlpExporter)
                {
                    tracing.SetSampler(new AlwaysOffSampler());
                }
            });

        if (useOtlpExporter)
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>
    /// Whether spans leave the process (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set). Without it the client integrations
    /// are told to trace nothing either: the Redis instrumentation otherwise profiles every command to build spans
    /// that are only dropped.
    /// </summary>
    public static bool ExportsTelemetry(IHostApplicationBuilder builder) =>
        !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
}
