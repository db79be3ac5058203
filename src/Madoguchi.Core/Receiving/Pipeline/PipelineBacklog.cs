using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Madoguchi.Core.Receiving.Pipeline;

/// <summary>How many originals wait for the pipeline (not processed, no recorded error), counted at most once per
/// <see cref="MaxAge"/> in the background: a metrics scrape reads the last count and never waits for the database.</summary>
public sealed class PipelineBacklog(IServiceScopeFactory scopes, TimeProvider time, ILogger<PipelineBacklog> logger)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(15);

    private long _count = -1;
    private long _countedAt = long.MinValue;
    private int _counting;

    /// <summary>The last count, or null before the first has finished; starts a new count when the last is older than
    /// <see cref="MaxAge"/> (one at a time).</summary>
    public long? Latest
    {
        get
        {
            var countedAt = Interlocked.Read(ref _countedAt);
            if ((countedAt == long.MinValue || time.GetElapsedTime(countedAt) > MaxAge) && Interlocked.CompareExchange(ref _counting, 1, 0) == 0)
                _ = Task.Run(CountInBackgroundAsync);
            var count = Interlocked.Read(ref _count);
            return count < 0 ? null : count;
        }
    }

    /// <summary>Counts now (one indexed COUNT) and keeps the result.</summary>
    public async Task<long> CountAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>();
        var count = await db.RawMessages.LongCountAsync(r => r.ProcessedAt == null && r.ProcessingError == null, ct);
        Interlocked.Exchange(ref _count, count);
        Interlocked.Exchange(ref _countedAt, time.GetTimestamp());
        return count;
    }

    private async Task CountInBackgroundAsync()
    {
        try
        {
            await CountAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is InvalidOperationException or System.Data.Common.DbException or ObjectDisposedException)
        {
            // The database does not answer (or the app is stopping): the gauge keeps its last value; the probes report the database.
            Interlocked.Exchange(ref _countedAt, time.GetTimestamp());
            PipelineLog.BacklogNotCounted(logger, e.GetType().Name);
        }
        finally
        {
            Interlocked.Exchange(ref _counting, 0);
        }
    }
}
