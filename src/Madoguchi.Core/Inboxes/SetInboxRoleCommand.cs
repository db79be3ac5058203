using Madoguchi.Core.Accounts;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Inboxes;

/// <summary>Sets one user's 受信箱権限. Owners, or the inbox's own 管理者, may do it.</summary>
public sealed class SetInboxRoleCommand(MadoguchiDbContext db, AuditTrail audit)
{
    public async Task<Result> HandleAsync(Actor actor, Guid inboxId, Guid userId, InboxRole role, CancellationToken ct)
    {
        if (!Enum.IsDefined(role))
            return new Error(ErrorKind.Invalid, "invalid_role", "Unknown inbox role.");
        var access = await db.RequireRoleAsync(actor, inboxId, InboxRole.Administrator, ct);
        if (!access.Succeeded)
            return access.Error!;
        var user = await db.FindUserInAccountAsync(actor.AccountId!.Value, userId, ct);
        if (user is null)
            return Error.NotFound("The user");

        var assignment = await db.InboxRoles.SingleOrDefaultAsync(r => r.InboxId == inboxId && r.UserId == userId, ct);
        var before = assignment?.Role ?? InboxRole.None;
        if (before == role)
            return Result.Ok();
        if (role == InboxRole.None)
            db.InboxRoles.Remove(assignment!);
        else if (assignment is null)
            db.InboxRoles.Add(new InboxRoleAssignment { InboxId = inboxId, UserId = userId, Role = role });
        else
            assignment.Role = role;
        audit.Record(AuditAction.InboxRoleChanged, user.AccountId, actor, user, $"{access.Value.Inbox.Name}: {before} → {role}");
        await db.SaveChangesAsync(ct);
        return Result.Ok();
    }
}
