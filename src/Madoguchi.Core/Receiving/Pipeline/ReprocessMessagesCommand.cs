using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Receiving.Pipeline;

/// <summary>Re-runs the pipeline on every stored original (of one inbox, or all), in order of arrival, e.g. after a parser fix or
/// to retry originals whose run failed. Replaces each original's message in place; never duplicates.</summary>
public sealed class ReprocessMessagesCommand(MadoguchiDbContext db, InboundBatchRunner runner)
{
    public async Task<PipelineRunCounts> HandleAsync(Guid? inboxId, CancellationToken ct)
    {
        var query = db.RawMessages.AsNoTracking().Where(r => r.DeletedAt == null);
        if (inboxId is { } id)
            query = query.Where(r => r.InboxId == id);
        var ids = await query.OrderBy(r => r.Sequence).ThenBy(r => r.ReceivedAt).ThenBy(r => r.Id).Select(r => r.Id).ToListAsync(ct);
        return await runner.RunAsync(ids, ct);
    }
}
