using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Accounts;

/// <summary>The account as its users see it; <see cref="TimeZone"/> is the IANA zone its screens show times in.</summary>
public sealed record AccountView(Guid Id, string Name, string TimeZone);

/// <summary>The account of the signed-in user: the name in the top bar, the time zone in システム設定.</summary>
public sealed class GetMyAccountQuery(MadoguchiDbContext db)
{
    public async Task<Result<AccountView>> HandleAsync(Actor actor, CancellationToken ct)
    {
        var me = await db.RequireActiveUserAsync(actor, ct);
        if (!me.Succeeded)
            return me.Error!;
        var account = await db.Accounts.AsNoTracking().Where(a => a.Id == actor.AccountId)
            .Select(a => new AccountView(a.Id, a.Name, a.TimeZone)).SingleOrDefaultAsync(ct);
        return account is null ? Error.NotFound("The account") : account;
    }
}
