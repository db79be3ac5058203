using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Madoguchi.Core.Network;

public static class NetworkServiceCollectionExtensions
{
    /// <summary>The outbound address guard and connector shared by receiving and sending. Safe to call more than once.</summary>
    public static IServiceCollection AddOutboundNetwork(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(OutboundAddressGuard)))
            return services;
        services.AddOptions<NetworkOptions>().Bind(configuration.GetSection(NetworkOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<OutboundAddressGuard>();
        services.TryAddSingleton<GuardedConnector>();
        return services;
    }
}
