using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Receiving.Pipeline;

/// <summary>What one pipeline run did.</summary>
public sealed record PipelineRunCounts(int Processed, int Created, int Replaced, int Failed)
{
    public static PipelineRunCounts None { get; } = new(0, 0, 0, 0);

    public PipelineRunCounts Add(PipelineRunCounts other) =>
        new(Processed + other.Processed, Created + other.Created, Replaced + other.Replaced, Failed + other.Failed);
}

/// <summary>Feeds originals to <see cref="InboundPipeline"/> in batches: one query loads a batch of rows and which of them
/// already have a message; each transaction's originals (in the order given) are prepared (read, parsed, attachment blobs written) on all cores
/// while the previous transaction is being stored. A message that fails is retried once alone (another instance may have
/// raced it); if it fails again its ProcessingError is recorded and the batch goes on.</summary>
public sealed class InboundBatchRunner(
    IServiceScopeFactory scopes, IOptions<InboundPipelineOptions> options, Telemetry.MadoguchiMetrics metrics, TimeProvider time, ILogger<InboundBatchRunner> logger)
{
    public const int BatchSize = 1000;
    private const int MaxErrorLength = 2000;

    /// <summary>Runs the pipeline on the given originals, in the order given (threading relies on it: a message can only
    /// join a ticket of a message processed before it), in transactions of <see cref="InboundPipelineOptions.TransactionSize"/>.</summary>
    public async Task<PipelineRunCounts> RunAsync(IReadOnlyList<Guid> rawMessageIds, CancellationToken ct)
    {
        var counts = PipelineRunCounts.None;
        foreach (var chunk in rawMessageIds.Chunk(BatchSize))
            counts = counts.Add(await RunBatchAsync(chunk, ct));
        return counts;
    }

    /// <summary>One batch: a span and a duration measurement around it.</summary>
    private async Task<PipelineRunCounts> RunBatchAsync(Guid[] chunk, CancellationToken ct)
    {
        var started = time.GetTimestamp();
        using var span = Telemetry.MadoguchiTracing.StartRoot("madoguchi.pipeline.batch");
        span?.SetTag("madoguchi.pipeline.originals", chunk.Length);
        var counts = PipelineRunCounts.None;
        var groups = (await LoadAsync(chunk, ct)).Chunk(options.Value.TransactionSize).ToList();
        var next = groups.Count > 0 ? PrepareAsync(groups[0], ct) : null;
        for (var i = 0; i < groups.Count; i++)
        {
            var prepared = await next!;
            // Parse the next transaction's originals while this one is stored: CPU beside database round trips.
            next = i + 1 < groups.Count ? PrepareAsync(groups[i + 1], ct) : null;
            counts = counts.Add(await RunGroupAsync(groups[i], prepared, ct));
        }
        metrics.PipelineBatchDone(counts, time.GetElapsedTime(started));
        span?.SetTag("madoguchi.pipeline.processed", counts.Processed);
        span?.SetTag("madoguchi.pipeline.failed", counts.Failed);
        return counts;
    }

    private async Task<(RawMessage Raw, bool MayHavePrevious)[]> LoadAsync(Guid[] chunk, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>();
        var loaded = await db.RawMessages.AsNoTracking().Where(r => chunk.Contains(r.Id)).ToDictionaryAsync(r => r.Id, ct);
        var withMessage = (await db.TicketMessages.AsNoTracking().Where(m => m.RawMessageId != null && chunk.Contains(m.RawMessageId!.Value))
            .Select(m => m.RawMessageId!.Value).ToListAsync(ct)).ToHashSet();
        return chunk.Where(loaded.ContainsKey).Select(id => (loaded[id], withMessage.Contains(id))).ToArray();
    }

    /// <summary>Null when preparing failed (an unreadable blob): the group then runs original by original.</summary>
    private async Task<IReadOnlyList<InboundMessage>?> PrepareAsync((RawMessage Raw, bool MayHavePrevious)[] group, CancellationToken ct)
    {
        await Task.Yield();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<InboundPipeline>().PrepareAsync(group, ct);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>One transaction for the group; if anything in it fails, each original again on its own.</summary>
    private async Task<PipelineRunCounts> RunGroupAsync((RawMessage Raw, bool MayHavePrevious)[] group, IReadOnlyList<InboundMessage>? prepared, CancellationToken ct)
    {
        if (prepared is not null)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var done = await scope.ServiceProvider.GetRequiredService<InboundPipeline>().StoreAsync(prepared, ct);
                var replaced = done.Count(m => m.Previous is not null);
                return new(done.Count, done.Count - replaced, replaced, 0);
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                // Falls through to one original at a time.
            }
        }

        var counts = PipelineRunCounts.None;
        foreach (var (raw, mayHavePrevious) in group)
            counts = counts.Add(await RunOneAsync(raw, mayHavePrevious, ct));
        return counts;
    }

    private async Task<PipelineRunCounts> RunOneAsync(RawMessage raw, bool hasMessage, CancellationToken ct)
    {
        Exception? failure = null;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var pipeline = scope.ServiceProvider.GetRequiredService<InboundPipeline>();
                var result = await pipeline.ProcessAsync(raw, mayHavePrevious: hasMessage || attempt > 0, ct);
                return result.Previous is null ? new(1, 1, 0, 0) : new(1, 0, 1, 0);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                failure = e;
            }
        }

        PipelineLog.MessageFailed(logger, failure!, raw.Id, raw.InboxId);
        await RecordErrorAsync(raw.Id, failure!, ct);
        return new(0, 0, 0, 1);
    }

    private async Task RecordErrorAsync(Guid rawId, Exception failure, CancellationToken ct)
    {
        var text = PipelineFailureText.Describe(failure);
        if (text.Length > MaxErrorLength)
            text = text[..MaxErrorLength];
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>();
            await db.RawMessages.Where(r => r.Id == rawId).ExecuteUpdateAsync(s => s.SetProperty(r => r.ProcessingError, text), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            PipelineLog.ErrorNotRecorded(logger, e, rawId);
        }
    }
}
