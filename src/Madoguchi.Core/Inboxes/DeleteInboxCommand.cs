using Madoguchi.Core.Accounts;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Inboxes;

/// <summary>受信箱の削除 (owners only).</summary>
public sealed class DeleteInboxCommand(MadoguchiDbContext db, AuditTrail audit)
{
    public async Task<Result> HandleAsync(Actor actor, Guid inboxId, CancellationToken ct)
    {
        var owner = await db.RequireOwnerAsync(actor, ct);
        if (!owner.Succeeded)
            return owner.Error!;
        var inbox = await db.Inboxes.SingleOrDefaultAsync(i => i.Id == inboxId && i.AccountId == actor.AccountId, ct);
        if (inbox is null)
            return Error.NotFound("The inbox");
        db.Inboxes.Remove(inbox);
        audit.Record(AuditAction.InboxDeleted, inbox.AccountId, actor, detail: inbox.Name);
        await db.SaveChangesAsync(ct);
        return Result.Ok();
    }
}
