using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;

namespace Madoguchi.Core.Accounts.Owners;

/// <summary>Removes owner rights (owners only). The last owner keeps them.</summary>
public sealed class RevokeOwnerCommand(MadoguchiDbContext db, AuditTrail audit)
{
    public async Task<Result<UserView>> HandleAsync(Actor actor, Guid userId, CancellationToken ct)
    {
        var owner = await db.RequireOwnerAsync(actor, ct);
        if (!owner.Succeeded)
            return owner.Error!;
        var user = await db.FindUserInAccountAsync(actor.AccountId!.Value, userId, ct);
        if (user is null)
            return Error.NotFound("The user");
        if (!user.IsOwner)
            return UserView.From(user);
        if (await OwnerRules.CountOwnersAsync(db, user.AccountId, ct) <= 1)
            return OwnerRules.LastOwner();

        user.IsOwner = false;
        audit.Record(AuditAction.OwnerRevoked, user.AccountId, actor, user);
        var saved = await OwnerRules.SaveOwnershipChangeAsync(db, user.AccountId, ct);
        return saved.Succeeded ? UserView.From(user) : saved.Error!;
    }
}
