using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Accounts.Users;

public sealed class GetUserQuery(MadoguchiDbContext db)
{
    public async Task<Result<UserView>> HandleAsync(Actor actor, Guid userId, CancellationToken ct)
    {
        var me = await db.RequireActiveUserAsync(actor, ct);
        if (!me.Succeeded)
            return me.Error!;
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId && u.AccountId == actor.AccountId)
            .Select(UserView.Projection).SingleOrDefaultAsync(ct);
        return user is null ? Error.NotFound("The user") : user;
    }
}
