using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;

namespace Madoguchi.Core.Accounts.Owners;

/// <summary>アカウントオーナーとして設定する (owners only). Several owners are allowed and recommended.</summary>
public sealed class GrantOwnerCommand(MadoguchiDbContext db, AuditTrail audit)
{
    public async Task<Result<UserView>> HandleAsync(Actor actor, Guid userId, CancellationToken ct)
    {
        var owner = await db.RequireOwnerAsync(actor, ct);
        if (!owner.Succeeded)
            return owner.Error!;
        var user = await db.FindUserInAccountAsync(actor.AccountId!.Value, userId, ct);
        if (user is null)
            return Error.NotFound("The user");
        if (user.IsOwner)
            return UserView.From(user);

        user.IsOwner = true;
        audit.Record(AuditAction.OwnerGranted, user.AccountId, actor, user);
        var saved = await OwnerRules.SaveOwnershipChangeAsync(db, user.AccountId, ct);
        return saved.Succeeded ? UserView.From(user) : saved.Error!;
    }
}
