using Madoguchi.Core.Accounts;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Inboxes;

/// <summary>What a user may do on an inbox. Owners act as 管理者 on every inbox of their account;
/// everyone else has the role assigned to them, and 権限なし hides the inbox (reported as not found).</summary>
public static class InboxAccess
{
    public static async Task<Result<(Inbox Inbox, InboxRole Role)>> RequireRoleAsync(
        this MadoguchiDbContext db, Actor actor, Guid inboxId, InboxRole minimum, CancellationToken ct)
    {
        var me = await db.RequireActiveUserAsync(actor, ct);
        if (!me.Succeeded)
            return me.Error!;
        var inbox = await db.Inboxes.SingleOrDefaultAsync(i => i.Id == inboxId && i.AccountId == actor.AccountId, ct);
        if (inbox is null)
            return Error.NotFound("The inbox");
        var role = me.Value!.IsOwner
            ? InboxRole.Administrator
            : await db.InboxRoles.Where(r => r.InboxId == inboxId && r.UserId == actor.Id).Select(r => r.Role).SingleOrDefaultAsync(ct);
        if (role == InboxRole.None)
            return Error.NotFound("The inbox");
        if (role < minimum)
            return new Error(ErrorKind.Forbidden, "inbox_role_too_low", $"This needs the inbox role {minimum} or higher.");
        return (inbox, role);
    }
}
