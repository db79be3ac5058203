using Madoguchi.Core.Receiving.Pipeline;
using Madoguchi.Core.Status;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Madoguchi.Core.Telemetry;

public static class TelemetryServiceCollectionExtensions
{
    /// <summary>The instruments and what their gauges read (the backlog count, the probe board). Safe to call from every
    /// feature that records: each registration is added once.</summary>
    public static IServiceCollection AddMadoguchiMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<ProbeStateBoard>();
        services.TryAddSingleton<PipelineBacklog>();
        services.TryAddSingleton<MadoguchiMetrics>();
        return services;
    }
}
