using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Tickets.Live;

/// <summary>Every third of the presence timeout: a heartbeat for this instance's open screens, then a sweep of viewers
/// whose heartbeat stopped (any instance's: the sweep is idempotent, so every instance may run it).</summary>
internal sealed partial class PresenceWorker(TicketPresence presence, IOptions<PresenceOptions> options, TimeProvider time, ILogger<PresenceWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.Timeout / 3;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, time, stoppingToken);
                await presence.HeartbeatAsync(stoppingToken);
                await presence.SweepAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                RoundFailed(logger, e);
            }
        }
    }

    [LoggerMessage(EventId = 7301, Level = LogLevel.Warning, Message = "A presence heartbeat or sweep failed; the next round tries again.")]
    private static partial void RoundFailed(ILogger logger, Exception exception);
}
