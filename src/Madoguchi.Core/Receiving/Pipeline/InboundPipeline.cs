using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Storage;
using Madoguchi.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Receiving.Pipeline;

/// <summary>Runs every <see cref="IInboundStep"/> in order on originals, in one transaction of its own scope, and marks
/// the originals processed in that transaction. Idempotent: a second run replaces the message the first one made.
/// The batch runner gives it a few dozen originals at a time (fewer commits) and falls back to one original per
/// transaction when a batch fails, so one bad original never takes others down with it.</summary>
public sealed class InboundPipeline(MadoguchiDbContext db, IBlobStore blobs, IEnumerable<IInboundStep> steps, PendingStorageUsage usage, TimeProvider time)
{
    private readonly IInboundStep[] _steps = steps.OrderBy(s => s.Order).ToArray();

    public IReadOnlyList<IInboundStep> Steps => _steps;

    /// <param name="originals">Originals (not tracked), in processing order, each with whether it may already have a
    /// message (false saves a query).</param>
    public async Task<IReadOnlyList<InboundMessage>> ProcessAsync(IReadOnlyList<(RawMessage Raw, bool MayHavePrevious)> originals, CancellationToken ct)
    {
        var done = new List<InboundMessage>(originals.Count);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        foreach (var (raw, mayHavePrevious) in originals)
        {
            var message = new InboundMessage(raw, await ReadAsync(raw.BlobHash, ct));
            if (mayHavePrevious)
                message.Previous = await db.TicketMessages.Include(m => m.Attachments).SingleOrDefaultAsync(m => m.RawMessageId == raw.Id, ct);
            foreach (var step in _steps)
                await step.RunAsync(message, ct);
            // Saved per message: threading of the next one must see this one.
            await db.SaveChangesAsync(ct);
            done.Add(message);
        }

        await usage.FlushAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var ids = originals.Select(o => o.Raw.Id).ToList();
        await db.RawMessages.Where(r => ids.Contains(r.Id)).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.ProcessedAt, now)
            .SetProperty(r => r.ProcessingError, (string?)null), ct);
        await transaction.CommitAsync(ct);
        return done;
    }

    public async Task<InboundMessage> ProcessAsync(RawMessage raw, bool mayHavePrevious, CancellationToken ct) =>
        (await ProcessAsync([(raw, mayHavePrevious)], ct))[0];

    private async Task<byte[]> ReadAsync(string hash, CancellationToken ct)
    {
        await using var stream = blobs.OpenRead(hash);
        using var buffer = new MemoryStream(stream.CanSeek ? (int)stream.Length : 0);
        await stream.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }
}
