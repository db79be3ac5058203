using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Receiving.Pipeline;

/// <summary>Runs the pipeline on originals waiting for it (ProcessedAt null, no recorded error), in order of arrival
/// (<see cref="Storage.RawMessage.Sequence"/>: the server's order within a fetch), until none is left. Originals whose run failed wait for <see cref="ReprocessMessagesCommand"/>.</summary>
public sealed class ProcessPendingMessagesCommand(MadoguchiDbContext db, InboundBatchRunner runner)
{
    private const int IdsPerQuery = 2000;

    public async Task<PipelineRunCounts> HandleAsync(CancellationToken ct)
    {
        var total = PipelineRunCounts.None;
        while (true)
        {
            var ids = await db.RawMessages.AsNoTracking()
                .Where(r => r.ProcessedAt == null && r.ProcessingError == null)
                .OrderBy(r => r.Sequence).ThenBy(r => r.ReceivedAt).ThenBy(r => r.Id)
                .Select(r => r.Id).Take(IdsPerQuery).ToListAsync(ct);
            if (ids.Count == 0)
                return total;
            var counts = await runner.RunAsync(ids, ct);
            total = total.Add(counts);
            if (counts.Processed == 0 && counts.Failed == 0)
                return total; // Nothing moved (rows vanished): do not spin.
        }
    }
}
