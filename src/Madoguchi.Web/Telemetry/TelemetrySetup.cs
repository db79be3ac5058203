using Madoguchi.Core.Telemetry;
using Microsoft.Extensions.Options;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Madoguchi.Web.Telemetry;

public static class TelemetrySetup
{
    /// <summary>Built-in meters added by name: EF Core's. (Npgsql's meter is left out: its pool name carries the
    /// connection's host and user name. System.Net's name-resolution meter too: it would carry mail server host names.)</summary>
    private static readonly string[] BuiltInMeters = ["Microsoft.EntityFrameworkCore"];

    /// <summary>OpenTelemetry metrics: ours (<see cref="MadoguchiMetrics"/>), ASP.NET Core's HTTP server metrics, EF Core's
    /// and the .NET runtime's, read by Prometheus at <c>/metrics</c>; with <c>Madoguchi:Metrics:OtlpEndpoint</c> also
    /// pushed by OTLP, together with the fetch-pass and pipeline-batch traces.</summary>
    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddMetricsOptions();
        builder.Services.AddSingleton<MetricsAccess>();
        builder.Services.AddMadoguchiMetrics();
        var options = builder.Configuration.GetSection(MetricsOptions.SectionName).Get<MetricsOptions>() ?? new MetricsOptions();

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("madoguchi", serviceVersion: typeof(TelemetrySetup).Assembly.GetName().Version?.ToString()))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(MadoguchiMetrics.MeterName).AddMeter(BuiltInMeters)
                    .AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation()
                    // No scrape cache: a scrape right after an event shows it (scrapes are few and cheap).
                    .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
                if (options.ExportsOtlp)
                    metrics.AddOtlpExporter(o => ConfigureOtlp(o, options, "/v1/metrics"));
            });
        if (options.ExportsOtlp)
            telemetry.WithTracing(tracing => tracing.AddSource(MadoguchiTracing.SourceName).AddOtlpExporter(o => ConfigureOtlp(o, options, "/v1/traces")));
        return builder;
    }

    /// <summary><c>Madoguchi:Metrics</c>, bound from the configuration in the services and validated when the host starts
    /// (<see cref="IStartupValidator"/>): an invalid setting stops the start naming it.</summary>
    public static IServiceCollection AddMetricsOptions(this IServiceCollection services)
    {
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    private static void ConfigureOtlp(OtlpExporterOptions o, MetricsOptions options, string signalPath)
    {
        var http = options.OtlpProtocol == "http/protobuf";
        o.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        // An endpoint set in code is used as given: for OTLP/HTTP the signal's path is added here.
        o.Endpoint = new Uri(http ? options.OtlpEndpoint!.TrimEnd('/') + signalPath : options.OtlpEndpoint!);
    }

    /// <summary><c>/metrics</c> as its own branch early in the pipeline, behind <see cref="MetricsAccess"/>: a scrape
    /// never reaches authentication, the database or the UI.</summary>
    public static WebApplication UseMetricsEndpoint(this WebApplication app)
    {
        app.UseOpenTelemetryPrometheusScrapingEndpoint(meterProvider: null,
            predicate: context => context.Request.Path.Equals(MetricsOptions.Path, StringComparison.OrdinalIgnoreCase),
            path: null,
            configureBranchedPipeline: branch => branch.Use(next => context =>
            {
                if (context.RequestServices.GetRequiredService<MetricsAccess>().Refusal(context) is not { } status)
                    return next(context);
                context.Response.StatusCode = status;
                if (status == StatusCodes.Status401Unauthorized)
                    context.Response.Headers.WWWAuthenticate = "Bearer";
                return Task.CompletedTask;
            }),
            optionsName: null);
        return app;
    }
}
