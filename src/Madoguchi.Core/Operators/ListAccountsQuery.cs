using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Operators;

public sealed record AccountOverview(Guid Id, string Name, DateTime CreatedAt, int UserCount, IReadOnlyList<UserView> Owners, IReadOnlyList<UserView> LockedUsers);

/// <summary>The operator's view of every account: its owners and who is locked, so a fully locked-out account can be helped.</summary>
public sealed class ListAccountsQuery(MadoguchiDbContext db)
{
    public async Task<Result<Page<AccountOverview>>> HandleAsync(Actor actor, PageRequest page, CancellationToken ct)
    {
        if (actor.Kind == ActorKind.User)
            return new Error(ErrorKind.Forbidden, "operators_only", "Only the people running this installation can see every account.");
        var total = await db.Accounts.CountAsync(ct);
        var accounts = await db.Accounts.AsNoTracking().OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).Page(page).ToListAsync(ct);
        var ids = accounts.Select(a => a.Id).ToList();
        var users = await db.Users.AsNoTracking().Where(u => ids.Contains(u.AccountId)).ToListAsync(ct);
        var byAccount = users.ToLookup(u => u.AccountId, UserView.From);
        var items = accounts.Select(a => new AccountOverview(a.Id, a.Name, a.CreatedAt, byAccount[a.Id].Count(),
            byAccount[a.Id].Where(u => u.IsOwner).ToList(), byAccount[a.Id].Where(u => u.State == UserState.Locked).ToList())).ToList();
        return new Page<AccountOverview>(items, total);
    }
}
