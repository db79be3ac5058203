using Madoguchi.Core.Accounts;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Tickets;
using Madoguchi.Core.Tickets.Live;
using Madoguchi.Core.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Madoguchi.Core.Sending.Drafts;

/// <summary>Throws a draft away: its author, or a マネージャー and up of the inbox (clearing a colleague's abandoned draft). The
/// uploads it attaches go with it, files included (unless something else uses the same file).</summary>
public sealed class DeleteDraftCommand(MadoguchiDbContext db, IBlobStore blobs, ITicketChangeFeed feed, ILogger<DeleteDraftCommand> logger)
{
    public async Task<Result> HandleAsync(Actor actor, Guid ticketId, Guid draftId, CancellationToken ct)
    {
        var work = await db.RequireWorkOnTicketAsync(actor, ticketId, ct);
        if (!work.Succeeded)
            return work.Error!;
        var (me, _, role) = work.Value;
        var draft = await db.ReplyDrafts.AsNoTracking().SingleOrDefaultAsync(d => d.Id == draftId && d.TicketId == ticketId, ct);
        if (draft is null)
            return DraftRules.NotFound();
        if (draft.AuthorUserId != me.Id && role < InboxRole.Manager)
            return DraftRules.NotYours();
        List<string> hashes;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            hashes = await db.Uploads.AsNoTracking().Where(u => u.DraftId == draftId).Select(u => u.BlobHash).ToListAsync(ct);
            await db.Uploads.Where(u => u.DraftId == draftId).ExecuteDeleteAsync(ct);
            await db.ReplyDrafts.Where(d => d.Id == draftId).ExecuteDeleteAsync(ct);
            await transaction.CommitAsync(ct);
        }
        await UnreferencedBlobs.DeleteAsync(db, blobs, logger, hashes, ct);
        await DraftRules.PublishAsync(feed, draft, ct);
        return Result.Ok();
    }
}
