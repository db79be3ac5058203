using Microsoft.Extensions.Hosting;

namespace Madoguchi.Core.Tickets.Live;

/// <summary>Builds the presence model at start, so it follows other instances' events from the first moment.</summary>
internal sealed class TicketLiveStartup(TicketPresence presence) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(presence);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
