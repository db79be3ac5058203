using Madoguchi.Core.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Madoguchi.Core.Status.Monitoring;

public static class MonitoringServiceCollectionExtensions
{
    /// <summary>The probes, the round lease, the probe runner (a hosted service; <c>Madoguchi:Monitoring:Enabled</c> turns
    /// it off), the latest-verdict board and the operator alerts (console notices and alert emails).</summary>
    public static IServiceCollection AddMonitoring(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<MonitoringOptions>().Bind(configuration.GetSection(MonitoringOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AlertMailOptions>().Bind(configuration.GetSection(AlertMailOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ProbeStateBoard>();
        services.AddSingleton<ProbeRoundLease>();
        services.AddSingleton<IProbe, WebProbe>();
        services.AddSingleton<IProbe, DatabaseProbe>();
        services.AddSingleton<IProbe, StorageProbe>();
        services.AddSingleton<IProbe, ReceivingProbe>();
        services.AddSingleton<IProbe, SearchProbe>();
        services.AddSingleton<IProbe, SendingProbe>();
        services.AddHandlersIn("Madoguchi.Core.Status.Monitoring");
        services.AddHostedService<ProbeRunner>();
        return services;
    }
}
