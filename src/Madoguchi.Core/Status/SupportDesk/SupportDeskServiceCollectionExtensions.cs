using Madoguchi.Core.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.Core.Status.SupportDesk;

public static class SupportDeskServiceCollectionExtensions
{
    /// <summary>The support calendar (weekly hours, closures, the desk's zone) and the notices shown to account users.</summary>
    public static IServiceCollection AddSupportDesk(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SupportDeskOptions>().Bind(configuration.GetSection(SupportDeskOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddHandlersIn("Madoguchi.Core.Status.SupportDesk");
        return services;
    }
}
