using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Sending.SentCopies;

/// <summary>Makes the due copies to Sent folders, one after another, each in its own scope (<see cref="SentCopyAppender"/>).
/// Apart from the outbox: an IMAP server that is slow or down never holds back sending. Runs where the outbox worker runs.</summary>
public sealed class SentCopyWorker(IServiceScopeFactory scopes, SentCopyTrigger trigger, IOptions<SendingOptions> options, TimeProvider time,
    ILogger<SentCopyWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.WorkerEnabled)
            return;
        await WorkerLoop.RunAsync(PassAsync, trigger, options.Value.PollInterval, e => SentCopyLog.PassFailed(logger, e), stoppingToken);
    }

    /// <summary>One pass over due copies; true when any was tried.</summary>
    public async Task<bool> PassAsync(CancellationToken ct)
    {
        List<Guid> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>();
            due = await SentCopyAppender.Due(db, time.GetUtcNow().UtcDateTime).AsNoTracking()
                .OrderBy(c => c.NextAttemptAt).Select(c => c.TicketMessageId).Take(16).ToListAsync(ct);
        }
        var any = false;
        foreach (var id in due)
        {
            await using var scope = scopes.CreateAsyncScope();
            if (await scope.ServiceProvider.GetRequiredService<SentCopyAppender>().TryAppendAsync(id, ct))
                any = true;
        }
        return any;
    }
}
