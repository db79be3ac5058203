using Madoguchi.Core.Common;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.Core.Tickets;

public static class TicketsServiceCollectionExtensions
{
    public static IServiceCollection AddTickets(this IServiceCollection services)
    {
        services.AddScoped<Receiving.Missing.IMessageLocator, TicketMessageLocator>();
        return services.AddHandlersIn("Madoguchi.Core.Tickets");
    }
}
