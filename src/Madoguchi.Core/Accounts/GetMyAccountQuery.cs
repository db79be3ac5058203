using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Accounts;

public sealed record AccountView(Guid Id, string Name);

/// <summary>The account of the signed-in user, for the name in the top bar.</summary>
public sealed class GetMyAccountQuery(MadoguchiDbContext db)
{
    public async Task<Result<AccountView>> HandleAsync(Actor actor, CancellationToken ct)
    {
        var me = await db.RequireActiveUserAsync(actor, ct);
        if (!me.Succeeded)
            return me.Error!;
        var account = await db.Accounts.AsNoTracking().Where(a => a.Id == actor.AccountId)
            .Select(a => new AccountView(a.Id, a.Name)).SingleOrDefaultAsync(ct);
        return account is null ? Error.NotFound("The account") : account;
    }
}
