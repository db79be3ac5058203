using Madoguchi.Core.Common;
using Madoguchi.Core.Network;
using Madoguchi.Core.Receiving.Fetching;
using Madoguchi.Core.Receiving.Missing;
using Madoguchi.Core.Receiving.Servers;
using Madoguchi.Core.Receiving.Storage;
using Microsoft.Extensions.Configuration;
using Madoguchi.Core.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Madoguchi.Core.Receiving;

public static class ReceivingServiceCollectionExtensions
{
    /// <summary>Receive settings, fetchers, leases, the fetch commands and queries. The worker is added by the host (<see cref="AddMailFetchWorker"/>).</summary>
    public static IServiceCollection AddReceiving(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReceivingOptions>().Bind(configuration.GetSection(ReceivingOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOutboundNetwork(configuration);
        services.TryAddSingleton<InboundSignal>();
        services.AddMadoguchiMetrics();
        services.AddSingleton<FetchTrigger>();
        services.AddSingleton<FetchGate>();
        services.AddSingleton<FetchLeases>();
        services.AddSingleton<ReceivePasswordProtector>();
        services.AddSingleton<IMailFetcher, ImapFetcher>();
        services.AddSingleton<IMailFetcher, Pop3Fetcher>();
        services.TryAddScoped<IMessageLocator, NoTicketLocator>();
        services.TryAddScoped<Audit.AuditTrail>();
        services.AddHandlersIn("Madoguchi.Core.Receiving");
        return services;
    }

    public static IServiceCollection AddMailFetchWorker(this IServiceCollection services) => services.AddHostedService<MailFetchWorker>();
}
