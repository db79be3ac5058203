using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Search;

/// <summary>Writes pending postings in the background: batch after batch while there is a backlog, then a look every
/// <see cref="SearchIndexOptions.PollMilliseconds"/>.</summary>
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

    [LoggerMessage(EventId = 9201, Level = LogLevel.Warning, Message = "Writing search postings failed; the documents stay pending and are retried.")]
    private static partial void BatchFailed(ILogger logger, Exception exception);
}
