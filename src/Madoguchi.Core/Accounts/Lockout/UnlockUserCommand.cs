using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Accounts.Lockout;

/// <summary>元に戻す: restores a locked user. Another owner of the same account, an operator, or the
/// server console may do it; an owner can never unlock themself.</summary>
public sealed class UnlockUserCommand(MadoguchiDbContext db, AuditTrail audit)
{
    public async Task<Result<UserView>> HandleAsync(Actor actor, Guid userId, CancellationToken ct)
    {
        User? target;
        if (actor.IsUser)
        {
            var owner = await db.RequireOwnerAsync(actor, ct);
            if (!owner.Succeeded)
                return owner.Error!;
            target = await db.FindUserInAccountAsync(actor.AccountId!.Value, userId, ct);
            if (target is null)
                return Error.NotFound("The user");
            if (target.Id == actor.Id)
                return new Error(ErrorKind.Forbidden, "cannot_unlock_self",
                    "Owners cannot unlock themselves. Ask another account owner, or the people running this installation.");
        }
        else
        {
            target = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, ct);
            if (target is null)
                return Error.NotFound("The user");
        }

        if (target.State != UserState.Locked)
            return new Error(ErrorKind.Conflict, "not_locked", "This user is not locked.");

        LockoutPolicy.Unlock(target);
        audit.Record(AuditAction.UserUnlocked, target.AccountId, actor, target);
        await db.SaveChangesAsync(ct);
        return UserView.From(target);
    }
}
