using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Search;

/// <summary>Writes pending postings in the background: batch after batch while there is a backlog, then a look every
/// <see cref="SearchIndexOptions.PollMilliseconds"/>. Receiving comes first: while the inbound pipeline has originals
/// waiting, the indexer waits too (<see cref="SearchIndexPolicy"/>); a large import is stored first, indexed after.</summary>
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
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>();
                if (!await DeferAsync(db, stoppingToken))
                    indexed = await scope.ServiceProvider.GetRequiredService<IndexPendingPostingsCommand>().HandleAsync(batch, stoppingToken);
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
            if (indexed == batch)
                continue;
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(options.Value.PollMilliseconds), time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Receiving first: while originals wait for the pipeline, postings wait too, up to the configured age.</summary>
    private async Task<bool> DeferAsync(MadoguchiDbContext db, CancellationToken ct)
    {
        var limit = options.Value.DeferWhileReceivingSeconds;
        if (limit == 0 || !await db.RawMessages.AnyAsync(r => r.ProcessedAt == null && r.ProcessingError == null, ct))
            return false;
        var oldest = await db.SearchDocuments.Where(d => d.PostingsPendingSince != null).MinAsync(d => d.PostingsPendingSince, ct);
        return SearchIndexPolicy.Defer(receiving: true, time.GetUtcNow().UtcDateTime - oldest, TimeSpan.FromSeconds(limit));
    }

    [LoggerMessage(EventId = 9201, Level = LogLevel.Warning, Message = "Writing search postings failed; the documents stay pending and are retried.")]
    private static partial void BatchFailed(ILogger logger, Exception exception);
}
