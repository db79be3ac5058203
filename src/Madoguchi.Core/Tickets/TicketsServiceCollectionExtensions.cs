using Madoguchi.Core.Common;
using Madoguchi.Core.Tickets.Live;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Madoguchi.Core.Tickets;

public static class TicketsServiceCollectionExtensions
{
    public static IServiceCollection AddTickets(this IServiceCollection services)
    {
        services.AddScoped<Receiving.Missing.IMessageLocator, TicketMessageLocator>();
        services.AddScoped<TicketEditor>();
        services.AddSingleton<InProcessTicketChangeFeed>();
        services.TryAddSingleton<ITicketChangeFeed>(sp => sp.GetRequiredService<InProcessTicketChangeFeed>());
        services.AddSingleton<TicketPresence>();
        services.AddHostedService<TicketLiveStartup>();
        return services.AddHandlersIn("Madoguchi.Core.Tickets");
    }
}
