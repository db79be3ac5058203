using Madoguchi.Core.Data;
using Madoguchi.Core.Retention;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Madoguchi.Core.Storage;

/// <summary>Removes the blob files of some hashes that nothing live refers to any more: no original that is not deleted,
/// no attachment row, no outbox row and no upload (in any account: blobs are content-addressed). Used after deleting
/// tickets (<see cref="TicketEraser"/>) and expired uploads.</summary>
internal static class UnreferencedBlobs
{
    /// <summary>Runs under the blobs' locks (<see cref="BlobLocks"/>), in a transaction of its own. A file that cannot be
    /// removed stays (logged): it costs disk, never correctness.</summary>
    public static async Task<int> DeleteAsync(MadoguchiDbContext db, IBlobStore blobs, ILogger logger, IReadOnlyCollection<string> candidates, CancellationToken ct)
    {
        var hashes = candidates.Distinct(StringComparer.Ordinal).ToList();
        if (hashes.Count == 0)
            return 0;
        // The check and the deletes hold the blobs' locks: a receive that reuses one of these files either committed its
        // row before (the blob is live) or checks the file after and writes it again (AttachmentBlobCheckStep).
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await BlobLocks.LockExclusiveAsync(db, hashes, ct);
        var live = (await db.RawMessages.AsNoTracking().Where(r => hashes.Contains(r.BlobHash) && r.DeletedAt == null).Select(r => r.BlobHash).ToListAsync(ct))
            .Concat(await db.TicketAttachments.AsNoTracking().Where(a => hashes.Contains(a.BlobHash)).Select(a => a.BlobHash).ToListAsync(ct))
            .Concat(await db.OutgoingMessages.AsNoTracking().Where(o => hashes.Contains(o.BlobHash)).Select(o => o.BlobHash).ToListAsync(ct))
            .Concat(await db.Uploads.AsNoTracking().Where(u => hashes.Contains(u.BlobHash)).Select(u => u.BlobHash).ToListAsync(ct))
            .ToHashSet(StringComparer.Ordinal);
        var deleted = 0;
        foreach (var hash in hashes.Where(h => !live.Contains(h)))
        {
            try
            {
                await blobs.DeleteAsync(hash, ct);
                deleted++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                RetentionLog.BlobNotDeleted(logger, hash, e);
            }
        }
        await transaction.CommitAsync(ct);
        return deleted;
    }
}
