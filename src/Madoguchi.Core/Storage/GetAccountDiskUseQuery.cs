using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Plans;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Storage;

/// <summary>An account's storage as the operator sees it: the use the customer is shown (originals, each once) against
/// the limit, and beside it what the account really occupies on the server's disk. <see cref="OriginalBlobBytes"/> (received and sent originals) and
/// <see cref="AttachmentBlobBytes"/> count each blob the account refers to once (blobs are content-addressed, so one
/// shared with another account is counted for both); <see cref="SearchIndexBytes"/> is an estimate: the indexed text (UTF-16,
/// two bytes a character) plus 16 bytes per posting, without the database's own overhead.</summary>
public sealed record AccountDiskUse(Guid AccountId, string AccountName, long UsedBytes, long LimitBytes, long CountedOriginals,
    long OriginalBlobBytes, long AttachmentBlobs, long AttachmentBlobBytes, long? SearchIndexBytes, long DiskBytes);

/// <summary>Operators only: one account's storage use and its real disk use.</summary>
public sealed class GetAccountDiskUseQuery(MadoguchiDbContext db, IAccountLimitsReader limits)
{
    public async Task<Result<AccountDiskUse>> HandleAsync(Actor actor, Guid accountId, CancellationToken ct)
    {
        if (actor.Kind == ActorKind.User)
            return new Error(ErrorKind.Forbidden, "operators_only", "Only the people running this installation can see this.");
        var account = await db.Accounts.AsNoTracking().Where(a => a.Id == accountId).Select(a => new { a.Id, a.Name }).SingleOrDefaultAsync(ct);
        if (account is null)
            return Error.NotFound("The account");
        var usage = await db.AccountStorageUsages.AsNoTracking().Where(u => u.AccountId == accountId)
            .Select(u => new { u.Bytes, u.MessageCount }).SingleOrDefaultAsync(ct);
        var limit = (await limits.GetAsync(accountId, ct)).StorageBytes;
        // Every live original of the account, received or sent, each blob once (the same mail fetched into two inboxes is one file).
        var received = db.RawMessages.AsNoTracking().Where(r => r.AccountId == accountId && r.DeletedAt == null).Select(r => new { r.BlobHash, r.Size });
        var sent = db.OutgoingMessages.AsNoTracking().Where(o => o.AccountId == accountId).Select(o => new { o.BlobHash, o.Size });
        var originalBytes = await received.Concat(sent).GroupBy(r => r.BlobHash).Select(g => g.Max(r => r.Size)).SumAsync(s => (long?)s, ct) ?? 0;
        var attachments = db.TicketAttachments.AsNoTracking()
            .Where(a => db.TicketMessages.Any(m => m.Id == a.TicketMessageId && m.AccountId == accountId))
            .GroupBy(a => a.BlobHash).Select(g => g.Max(a => a.Size));
        var attachmentCount = await attachments.LongCountAsync(ct);
        var attachmentBytes = await attachments.SumAsync(s => (long?)s, ct) ?? 0;
        var documents = db.SearchDocuments.AsNoTracking().Where(d => d.AccountId == accountId);
        var indexedChars = await documents.SumAsync(d => (long?)(d.Text.Length + d.Subject.Length), ct) ?? 0;
        var postings = await db.SearchPostings.AsNoTracking().LongCountAsync(p => documents.Any(d => d.Key == p.DocumentKey), ct);
        var searchBytes = indexedChars * 2 + postings * 16;
        return new AccountDiskUse(account.Id, account.Name, usage?.Bytes ?? 0, limit, usage?.MessageCount ?? 0,
            originalBytes, attachmentCount, attachmentBytes, searchBytes, originalBytes + attachmentBytes + searchBytes);
    }
}
