using Madoguchi.Core.Accounts;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Retention;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Inboxes;

/// <summary>受信箱の削除 (owners only). Its tickets are deleted for good first, as a ticket's delete does them (messages,
/// originals and the blobs nothing else uses; the account's storage use drops at once); then the inbox and what hangs on
/// it (receive servers, send addresses, roles, labels) go by their cascading keys.</summary>
public sealed class DeleteInboxCommand(MadoguchiDbContext db, TicketEraser eraser, AuditTrail audit)
{
    public async Task<Result> HandleAsync(Actor actor, Guid inboxId, CancellationToken ct)
    {
        var owner = await db.RequireOwnerAsync(actor, ct);
        if (!owner.Succeeded)
            return owner.Error!;
        var inbox = await db.Inboxes.SingleOrDefaultAsync(i => i.Id == inboxId && i.AccountId == actor.AccountId, ct);
        if (inbox is null)
            return Error.NotFound("The inbox");
        var tickets = await db.Tickets.Where(t => t.InboxId == inbox.Id).Select(t => t.Id).ToListAsync(ct);
        audit.Record(AuditAction.InboxDeleted, inbox.AccountId, actor, detail: tickets.Count == 0 ? inbox.Name : $"{inbox.Name}: {tickets.Count} ticket(s)");
        // Commits the audit entry with the first chunk; a failure part-way leaves the inbox with fewer tickets, and
        // deleting it again goes on from there.
        await eraser.EraseAsync(tickets, ct);
        db.Inboxes.Remove(inbox);
        await db.SaveChangesAsync(ct);
        return Result.Ok();
    }
}
