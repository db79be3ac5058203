using Madoguchi.Core.Common;
using Microsoft.Extensions.DependencyInjection;

namespace Madoguchi.Core.Tickets;

public static class TicketsServiceCollectionExtensions
{
    public static IServiceCollection AddTickets(this IServiceCollection services) => services.AddHandlersIn("Madoguchi.Core.Tickets");
}
