using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Accounts.Users;

/// <summary>Users of the actor's account, optionally only those in one state (e.g. ロック中).
/// Every user of the account may read it: the permission settings (権限設定) show everyone who the owners are.</summary>
public sealed class ListUsersQuery(MadoguchiDbContext db)
{
    public async Task<Result<Page<UserView>>> HandleAsync(Actor actor, UserState? state, PageRequest page, CancellationToken ct)
    {
        var me = await db.RequireActiveUserAsync(actor, ct);
        if (!me.Succeeded)
            return me.Error!;
        var query = db.Users.AsNoTracking().Where(u => u.AccountId == actor.AccountId);
        if (state is not null)
            query = query.Where(u => u.State == state);
        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(u => u.FamilyName).ThenBy(u => u.GivenName).ThenBy(u => u.Email)
            .Page(page).Select(UserView.Projection).ToListAsync(ct);
        return new Page<UserView>(items, total);
    }
}
