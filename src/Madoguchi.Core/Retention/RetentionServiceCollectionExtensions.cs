using Madoguchi.Core.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Madoguchi.Core.Retention;

public static class RetentionServiceCollectionExtensions
{
    /// <summary>Deleting mail for good: ticket delete, ゴミ箱を空にする, the automatic round (ゴミ箱 after N days, an inbox's
    /// closed tickets after its N days).</summary>
    public static IServiceCollection AddRetention(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RetentionOptions>().Bind(configuration.GetSection(RetentionOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<TicketEraser>();
        services.TryAddSingleton<Status.Monitoring.ProbeRoundLease>();
        services.AddHostedService<RetentionWorker>();
        return services.AddHandlersIn("Madoguchi.Core.Retention");
    }
}
