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
        // On PostgreSQL the feed also travels between instances (LISTEN/NOTIFY); SQLite runs one instance.
        services.AddSingleton<PostgresTicketChangeFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<PostgresTicketChangeFeedListener>());
        services.AddSingleton<PostgresTicketChangeFeedListener>();
        services.TryAddSingleton<ITicketChangeFeed>(sp => IsPostgres(sp)
            ? sp.GetRequiredService<PostgresTicketChangeFeed>()
            : sp.GetRequiredService<InProcessTicketChangeFeed>());
        services.AddOptions<PresenceOptions>().BindConfiguration(PresenceOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<TicketPresence>();
        services.AddHostedService<PresenceWorker>();
        return services.AddHandlersIn("Madoguchi.Core.Tickets");
    }

    internal static bool IsPostgres(IServiceProvider sp) =>
        sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Data.DatabaseOptions>>().Value.Provider == Data.DatabaseProvider.Postgres;
}
