using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;

namespace Madoguchi.Core.Accounts.Users;

/// <summary>ユーザ削除 (owners only). The last owner cannot be deleted, and nobody deletes themself.</summary>
public sealed class DeleteUserCommand(MadoguchiDbContext db, AuditTrail audit)
{
    public async Task<Result> HandleAsync(Actor actor, Guid userId, CancellationToken ct)
    {
        var owner = await db.RequireOwnerAsync(actor, ct);
        if (!owner.Succeeded)
            return owner.Error!;
        var user = await db.FindUserInAccountAsync(actor.AccountId!.Value, userId, ct);
        if (user is null)
            return Error.NotFound("The user");
        if (user.Id == actor.Id)
            return new Error(ErrorKind.Conflict, "cannot_delete_self", "You cannot delete yourself. Ask another account owner.");
        if (user.IsOwner && await Owners.OwnerRules.CountOwnersAsync(db, user.AccountId, ct) <= 1)
            return Owners.OwnerRules.LastOwner();

        db.Users.Remove(user);
        audit.Record(AuditAction.UserDeleted, user.AccountId, actor, user);
        if (user.IsOwner)
            return await Owners.OwnerRules.SaveOwnershipChangeAsync(db, user.AccountId, ct);
        await db.SaveChangesAsync(ct);
        return Result.Ok();
    }
}
