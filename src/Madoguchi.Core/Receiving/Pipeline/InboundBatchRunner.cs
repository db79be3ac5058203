using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Madoguchi.Core.Receiving.Pipeline;

/// <summary>What one pipeline run did.</summary>
public sealed record PipelineRunCounts(int Processed, int Created, int Replaced, int Failed)
{
    public static PipelineRunCounts None { get; } = new(0, 0, 0, 0);

    public PipelineRunCounts Add(PipelineRunCounts other) =>
        new(Processed + other.Processed, Created + other.Created, Replaced + other.Replaced, Failed + other.Failed);
}

/// <summary>Feeds originals to <see cref="InboundPipeline"/> in batches: one query loads a batch of rows and which of them
/// already have a message, then each original runs in its own scope and transaction. A message that fails is retried once
/// (another instance may have raced it); if it fails again its ProcessingError is recorded and the batch goes on.</summary>
public sealed class InboundBatchRunner(IServiceScopeFactory scopes, ILogger<InboundBatchRunner> logger)
{
    public const int BatchSize = 200;

    /// <summary>Originals per transaction: fewer commits, and a failure costs at most this many re-runs.</summary>
    public const int TransactionSize = 50;
    private const int MaxErrorLength = 2000;

    /// <summary>Runs the pipeline on the given originals, in the order given.</summary>
    public async Task<PipelineRunCounts> RunAsync(IReadOnlyList<Guid> rawMessageIds, CancellationToken ct)
    {
        var counts = PipelineRunCounts.None;
        foreach (var chunk in rawMessageIds.Chunk(BatchSize))
        {
            List<RawMessage> raws;
            HashSet<Guid> withMessage;
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<MadoguchiDbContext>();
                var loaded = await db.RawMessages.AsNoTracking().Where(r => chunk.Contains(r.Id)).ToDictionaryAsync(r => r.Id, ct);
                raws = chunk.Where(loaded.ContainsKey).Select(id => loaded[id]).ToList();
                withMessage = (await db.TicketMessages.AsNoTracking().Where(m => m.RawMessageId != null && chunk.Contains(m.RawMessageId!.Value))
                    .Select(m => m.RawMessageId!.Value).ToListAsync(ct)).ToHashSet();
            }

            foreach (var group in raws.Chunk(TransactionSize))
                counts = counts.Add(await RunGroupAsync(group, withMessage, ct));
        }
        return counts;
    }

    /// <summary>A few dozen originals in one transaction; if anything in it fails, each original again on its own.</summary>
    private async Task<PipelineRunCounts> RunGroupAsync(RawMessage[] group, HashSet<Guid> withMessage, CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var pipeline = scope.ServiceProvider.GetRequiredService<InboundPipeline>();
            var done = await pipeline.ProcessAsync(group.Select(r => (r, withMessage.Contains(r.Id))).ToList(), ct);
            var replaced = done.Count(m => m.Previous is not null);
            return new(done.Count, done.Count - replaced, replaced, 0);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            var counts = PipelineRunCounts.None;
            foreach (var raw in group)
                counts = counts.Add(await RunOneAsync(raw, withMessage.Contains(raw.Id), ct));
            return counts;
        }
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
        var text = $"{failure.GetType().Name}: {failure.GetBaseException().Message}";
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
