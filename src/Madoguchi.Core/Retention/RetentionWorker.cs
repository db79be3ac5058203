using Madoguchi.Core.Status.Monitoring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Retention;

/// <summary>Runs <see cref="RunRetentionCommand"/> once per interval across every instance (a <see cref="WorkerLease"/>
/// named <see cref="LeaseName"/>, claimed like the probe round's): an instance that dies lets its claim expire.</summary>
internal sealed class RetentionWorker(IServiceScopeFactory scopes, ProbeRoundLease lease, TimeProvider time, IOptions<RetentionOptions> options,
    ILogger<RetentionWorker> logger) : BackgroundService
{
    public const string LeaseName = "retention";
    private readonly string _owner = $"{Environment.MachineName}/{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RunWorker)
            return;
        var interval = TimeSpan.FromMinutes(options.Value.IntervalMinutes);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await lease.TryClaimAsync(LeaseName, _owner, time.GetUtcNow().UtcDateTime, interval, stoppingToken))
                {
                    await using var scope = scopes.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<RunRetentionCommand>().HandleAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                RetentionLog.RoundFailed(logger, e);
            }
            try
            {
                await Task.Delay(interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
