using Madoguchi.Core.Accounts;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Inboxes;

/// <summary>The inboxes the actor can see: all of the account's for owners, otherwise those with a role above 権限なし.</summary>
public sealed class ListInboxesQuery(MadoguchiDbContext db)
{
    public async Task<Result<Page<InboxView>>> HandleAsync(Actor actor, PageRequest page, CancellationToken ct)
    {
        var me = await db.RequireActiveUserAsync(actor, ct);
        if (!me.Succeeded)
            return me.Error!;
        var isOwner = me.Value!.IsOwner;
        var query =
            from i in db.Inboxes.AsNoTracking()
            where i.AccountId == actor.AccountId
            let role = db.InboxRoles.Where(r => r.InboxId == i.Id && r.UserId == actor.Id).Select(r => (InboxRole?)r.Role).FirstOrDefault() ?? InboxRole.None
            where isOwner || role != InboxRole.None
            select new { i, role };
        var total = await query.CountAsync(ct);
        var rows = await query.OrderBy(x => x.i.Name).ThenBy(x => x.i.Id).Skip(page.Offset).Take(page.Limit).ToListAsync(ct);
        var items = rows.Select(x => new InboxView(x.i.Id, x.i.Name, x.i.Colour, isOwner ? InboxRole.Administrator : x.role, x.i.CreatedAt)).ToList();
        return new Page<InboxView>(items, total);
    }
}
