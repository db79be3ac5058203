using Madoguchi.Core.Data;
using Madoguchi.Core.Search;
using Madoguchi.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Madoguchi.Core.Retention;

/// <summary>What a deletion removed.</summary>
public sealed record ErasedTickets(int Tickets, int Messages, long ReleasedBytes, int BlobsDeleted)
{
    public static ErasedTickets None { get; } = new(0, 0, 0, 0);

    public ErasedTickets Add(ErasedTickets other) =>
        new(Tickets + other.Tickets, Messages + other.Messages, ReleasedBytes + other.ReleasedBytes, BlobsDeleted + other.BlobsDeleted);
}

/// <summary>Deletes tickets for good: their messages and attachment rows, and the account's storage use for the originals no
/// remaining message holds, in one transaction per chunk. Each original's row stays as a tombstone
/// (<see cref="Receiving.Storage.RawMessage.DeletedAt"/>), so its server position and duplicate check keep it from ever
/// being fetched again. After the commit, blob files that no live original and no attachment refers to any more (in any
/// account: blobs are content-addressed) are removed. Rows other features hang on a ticket go by their cascading keys.</summary>
public sealed class TicketEraser(MadoguchiDbContext db, RemoveFromSearchIndexCommand searchIndex, PendingStorageUsage usage, IBlobStore blobs, TimeProvider time, ILogger<TicketEraser> logger)
{
    public const int ChunkSize = 200;

    /// <summary>Writes nothing but what it erases; whatever else the context tracks (an audit entry) commits with the first chunk.</summary>
    public async Task<ErasedTickets> EraseAsync(IReadOnlyList<Guid> ticketIds, CancellationToken ct)
    {
        var total = ErasedTickets.None;
        if (ticketIds.Count == 0)
            await db.SaveChangesAsync(ct);
        foreach (var chunk in ticketIds.Chunk(ChunkSize))
            total = total.Add(await EraseChunkAsync(chunk, ct));
        return total;
    }

    private async Task<ErasedTickets> EraseChunkAsync(Guid[] ids, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var messages = await db.TicketMessages.AsNoTracking().Where(m => ids.Contains(m.TicketId))
            .Select(m => new { m.Id, m.RawMessageId }).ToListAsync(ct);
        var messageIds = messages.Select(m => m.Id).ToList();
        var rawIds = messages.Where(m => m.RawMessageId != null).Select(m => m.RawMessageId!.Value).ToList();
        var attachmentHashes = await db.TicketAttachments.AsNoTracking().Where(a => messageIds.Contains(a.TicketMessageId))
            .Select(a => a.BlobHash).Distinct().ToListAsync(ct);
        var originals = await db.RawMessages.AsNoTracking().Where(r => rawIds.Contains(r.Id) && r.DeletedAt == null)
            .Select(r => new { r.Id, r.AccountId, r.BlobHash, r.Size }).ToListAsync(ct);
        var sentOriginals = await db.OutgoingMessages.AsNoTracking().Where(o => messageIds.Contains(o.TicketMessageId))
            .Select(o => new { o.AccountId, o.BlobHash, o.Size }).ToListAsync(ct);
        var usedBefore = await UsedBytesAsync(originals.Select(o => o.AccountId).Concat(sentOriginals.Select(o => o.AccountId)).Distinct().ToList(), ct);

        await searchIndex.HandleAsync(messageIds, ct);
        await db.TicketAttachments.Where(a => messageIds.Contains(a.TicketMessageId)).ExecuteDeleteAsync(ct);
        await db.TicketMessages.Where(m => ids.Contains(m.TicketId)).ExecuteDeleteAsync(ct);
        var tickets = await db.Tickets.Where(t => ids.Contains(t.Id)).ExecuteDeleteAsync(ct);
        await db.RawMessages.Where(r => rawIds.Contains(r.Id)).ExecuteUpdateAsync(s => s.SetProperty(r => r.DeletedAt, now), ct);
        foreach (var original in originals)
            usage.Release(original.AccountId, original.BlobHash, original.Size);
        foreach (var original in sentOriginals)
            usage.Release(original.AccountId, original.BlobHash, original.Size);
        await usage.FlushAsync(ct);
        var usedAfter = await UsedBytesAsync(usedBefore.Keys.ToList(), ct);
        await transaction.CommitAsync(ct);

        var deleted = await UnreferencedBlobs.DeleteAsync(db, blobs, logger, [.. originals.Select(o => o.BlobHash), .. sentOriginals.Select(o => o.BlobHash), .. attachmentHashes], ct);
        return new ErasedTickets(tickets, messages.Count, usedBefore.Sum(u => u.Value - usedAfter.GetValueOrDefault(u.Key)), deleted);
    }

    private Task<Dictionary<Guid, long>> UsedBytesAsync(List<Guid> accountIds, CancellationToken ct) =>
        db.AccountStorageUsages.AsNoTracking().Where(u => accountIds.Contains(u.AccountId)).ToDictionaryAsync(u => u.AccountId, u => u.Bytes, ct);
}

internal static partial class RetentionLog
{
    [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "A deleted message's blob {Hash} could not be removed; it stays on disk.")]
    public static partial void BlobNotDeleted(ILogger logger, string hash, Exception exception);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Information, Message = "Retention deleted {Tickets} ticket(s) with {Messages} message(s), releasing {Bytes} bytes.")]
    public static partial void RoundDone(ILogger logger, int tickets, int messages, long bytes);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Error, Message = "The retention round failed; the next round tries again.")]
    public static partial void RoundFailed(ILogger logger, Exception exception);
}
