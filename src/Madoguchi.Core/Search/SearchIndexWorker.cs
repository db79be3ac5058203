using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Search;

/// <summary>Writes pending postings in the background: batch after batch while there is a backlog, then a look every
/// <see cref="SearchIndexOptions.PollMilliseconds"/>. Receiving comes first: while a fetch runs or the inbound pipeline
/// has originals waiting, the indexer waits too, and past the age limit shares the time (<see cref="SearchIndexPolicy"/>).</summary>
internal sealed partial class SearchIndexWorker(
    IServiceScopeFactory scopes, TimeProvider time, IOptions<SearchIndexOptions> options, ILogger<SearchIndexWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.RunIndexer)
            return;
        var batch = options.Value.BatchDocuments;
        while (!stoppingToken.IsCancellationRequested)
        {
            var indexed = 0;
            var pause = TimeSpan.FromMilliseconds(options.Value.PollMilliseconds);
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>();
                var turn = await TurnAsync(db, stoppingToken);
                if (turn != SearchIndexTurn.Wait)
                {
                    var started = time.GetTimestamp();
                    indexed = await scope.ServiceProvider.GetRequiredService<IndexPendingPostingsCommand>().HandleAsync(batch, stoppingToken);
                    if (turn == SearchIndexTurn.Share && indexed > 0)
                        pause = time.GetElapsedTime(started) * SearchIndexPolicy.SharePauseFactor;
                    else if (indexed == batch)
                        continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Nothing is lost: the documents stay pending (and searchable) and the next round takes them again.
                BatchFailed(logger, e);
            }
            try
            {
                await Task.Delay(pause, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Receiving first. Receiving is busy while a fetch pass holds a server's lease (on any instance) or originals
    /// wait for the pipeline: the pipeline alone often catches up between two batches of a long import, and the indexer
    /// then ran at full speed beside it.</summary>
    private async Task<SearchIndexTurn> TurnAsync(MadoguchiDbContext db, CancellationToken ct)
    {
        var limit = options.Value.DeferWhileReceivingSeconds;
        if (limit == 0)
            return SearchIndexTurn.Run;
        var now = time.GetUtcNow().UtcDateTime;
        var receiving = await db.FetchLeases.AnyAsync(l => l.ExpiresAt > now, ct)
            || await db.RawMessages.AnyAsync(r => r.ProcessedAt == null && r.ProcessingError == null, ct);
        if (!receiving)
            return SearchIndexTurn.Run;
        var oldest = await db.SearchDocuments.Where(d => d.PostingsPendingSince != null).MinAsync(d => d.PostingsPendingSince, ct);
        return SearchIndexPolicy.Turn(receiving: true, now - oldest, TimeSpan.FromSeconds(limit));
    }

    [LoggerMessage(EventId = 9201, Level = LogLevel.Warning, Message = "Writing search postings failed; the documents stay pending and are retried.")]
    private static partial void BatchFailed(ILogger logger, Exception exception);
}
