using Madoguchi.Core.Accounts;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Receiving.Health;

/// <summary>Inboxes whose receive servers last failed, limited to the inboxes the actor administers (受信箱の管理者 and
/// account owners): the warning marks of the inbox list. Others get an empty list, never an error.</summary>
public sealed class ListReceiveAlertsQuery(MadoguchiDbContext db)
{
    public async Task<IReadOnlySet<Guid>> HandleAsync(Actor actor, CancellationToken ct)
    {
        var me = await db.RequireActiveUserAsync(actor, ct);
        if (!me.Succeeded)
            return new HashSet<Guid>();
        // A server whose last pass failed, or that holds messages it refused to hand over.
        var refusing = db.ReceiveRetries.Where(r => r.ResolvedAt == null).Select(r => r.ReceiveServerId);
        var failing = db.ReceiveServers.AsNoTracking().Where(s => s.AccountId == actor.AccountId && (s.LastErrorCode != null || refusing.Contains(s.Id)));
        if (!me.Value!.IsOwner)
        {
            var administered = db.InboxRoles.Where(r => r.UserId == actor.Id && r.Role == InboxRole.Administrator).Select(r => r.InboxId);
            failing = failing.Where(s => administered.Contains(s.InboxId));
        }
        return (await failing.Select(s => s.InboxId).Distinct().ToListAsync(ct)).ToHashSet();
    }
}
