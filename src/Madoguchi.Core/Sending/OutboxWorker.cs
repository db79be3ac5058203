using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Sending;

/// <summary>Sends what is due: queued messages whose next attempt has come, and messages left 送信中 by an instance that
/// died (lease expired). Thin: each message is sent by <see cref="OutboxSender"/> in its own scope and fails alone.</summary>
public sealed class OutboxWorker(IServiceScopeFactory scopes, SendTrigger trigger, IOptions<SendingOptions> options, TimeProvider time, ILogger<OutboxWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.WorkerEnabled)
            return;
        SendingLog.WorkerStarted(logger, options.Value.InstanceId);
        while (!stoppingToken.IsCancellationRequested)
        {
            var worked = false;
            try
            {
                worked = await PassAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                SendingLog.PassFailed(logger, e);
            }
            if (!worked)
            {
                try
                {
                    await trigger.WaitAsync(options.Value.PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>One pass over due messages, a few at a time; true when any was sent or tried.</summary>
    public async Task<bool> PassAsync(CancellationToken ct)
    {
        List<Guid> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>();
            var now = time.GetUtcNow().UtcDateTime;
            due = await db.OutgoingMessages.AsNoTracking()
                .Where(o => (o.State == SendState.Queued && o.NextAttemptAt <= now) || (o.State == SendState.Sending && o.LeaseUntil < now))
                .OrderBy(o => o.NextAttemptAt).Select(o => o.TicketMessageId).Take(options.Value.MaxParallel * 8).ToListAsync(ct);
        }
        if (due.Count == 0)
            return false;
        var any = false;
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = options.Value.MaxParallel, CancellationToken = ct }, async (id, token) =>
        {
            await using var scope = scopes.CreateAsyncScope();
            if (await scope.ServiceProvider.GetRequiredService<OutboxSender>().TrySendAsync(id, token))
                any = true;
        });
        return any;
    }
}
