using Madoguchi.Core.Receiving;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Status.Monitoring;

/// <summary>Thin loop: claims the probe round of the current interval (<see cref="ProbeRoundLease"/>) and, when this
/// instance won it, runs <see cref="RunProbeRoundCommand"/> in its own scope. A failed round is logged and the next
/// interval tries again.</summary>
public sealed class ProbeRunner(
    IServiceScopeFactory scopes,
    ProbeRoundLease lease,
    IOptions<MonitoringOptions> options,
    IOptions<ReceivingOptions> instance,
    TimeProvider time,
    ILogger<ProbeRunner> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
            return;
        var interval = options.Value.ProbeInterval;
        // How often an instance that lost the claim looks again: a round is late by at most this.
        var look = TimeSpan.FromTicks(Math.Min(interval.Ticks / 4, TimeSpan.FromSeconds(5).Ticks));
        MonitoringLog.RunnerStarted(logger, instance.Value.InstanceId, interval);
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = look;
            try
            {
                var now = time.GetUtcNow().UtcDateTime;
                if (await lease.TryClaimAsync(WorkerLease.ProbeRound, instance.Value.InstanceId, now, interval, stoppingToken))
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<RunProbeRoundCommand>().HandleAsync(now, stoppingToken);
                    // Our claim ends at now + interval: look again right then.
                    wait = now + interval - time.GetUtcNow().UtcDateTime;
                    if (wait < TimeSpan.Zero)
                        wait = TimeSpan.Zero;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                MonitoringLog.RoundFailed(logger, e);
            }
            try
            {
                await Task.Delay(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
