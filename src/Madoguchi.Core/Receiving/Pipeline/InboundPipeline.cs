using Madoguchi.Core.Data;
using Madoguchi.Core.Receiving.Storage;
using Madoguchi.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Receiving.Pipeline;

/// <summary>Runs every <see cref="IInboundStep"/> in order on one original, in one transaction of its own scope, and marks
/// the original processed in the same transaction. Idempotent: a second run replaces the message the first one made.</summary>
public sealed class InboundPipeline(MadoguchiDbContext db, IBlobStore blobs, IEnumerable<IInboundStep> steps, TimeProvider time)
{
    private readonly IInboundStep[] _steps = steps.OrderBy(s => s.Order).ToArray();

    public IReadOnlyList<IInboundStep> Steps => _steps;

    /// <param name="raw">The original (not tracked).</param>
    /// <param name="mayHavePrevious">False when the caller knows no message was made from it yet, saving a query.</param>
    public async Task<InboundMessage> ProcessAsync(RawMessage raw, bool mayHavePrevious, CancellationToken ct)
    {
        var bytes = await ReadAsync(raw.BlobHash, ct);
        var message = new InboundMessage(raw, bytes);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (mayHavePrevious)
            message.Previous = await db.TicketMessages.Include(m => m.Attachments).SingleOrDefaultAsync(m => m.RawMessageId == raw.Id, ct);
        foreach (var step in _steps)
            await step.RunAsync(message, ct);
        var now = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        await db.RawMessages.Where(r => r.Id == raw.Id).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.ProcessedAt, now)
            .SetProperty(r => r.ProcessingError, (string?)null), ct);
        await transaction.CommitAsync(ct);
        return message;
    }

    private async Task<byte[]> ReadAsync(string hash, CancellationToken ct)
    {
        await using var stream = blobs.OpenRead(hash);
        using var buffer = new MemoryStream(stream.CanSeek ? (int)stream.Length : 0);
        await stream.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }
}
