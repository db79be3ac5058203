using Madoguchi.Core.Common;
using Madoguchi.Core.Status.Summary;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Madoguchi.Core.Status;

public static class StatusPageServiceCollectionExtensions
{
    /// <summary>Incidents, maintenance windows, the effective states and uptime of the public status page, and its shared summary.</summary>
    public static IServiceCollection AddStatusPage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StatusPageOptions>().Bind(configuration.GetSection(StatusPageOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddScoped<Audit.AuditTrail>();
        services.AddSingleton<UptimeHistory>();
        services.AddSingleton<StatusSummaryCache>();
        services.AddHandlersIn("Madoguchi.Core.Status.Incidents");
        services.AddHandlersIn("Madoguchi.Core.Status.Maintenance");
        services.AddHandlersIn("Madoguchi.Core.Status.Summary");
        return services;
    }
}
