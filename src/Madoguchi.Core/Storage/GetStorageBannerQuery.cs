using Madoguchi.Core.Accounts;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Storage;

/// <summary>What the storage banner needs: the status, whether the user may request storage (owners), and the inbox whose
/// ゴミ箱 the "empty the trash" link opens (one the user administers when there is one, else one they see).</summary>
public sealed record StorageBanner(StorageStatus Status, bool IsOwner, Guid? TrashInboxId);

public sealed class GetStorageBannerQuery(MadoguchiDbContext db, GetStorageStatusQuery status)
{
    public async Task<Result<StorageBanner>> HandleAsync(Actor actor, CancellationToken ct)
    {
        var me = await db.RequireActiveUserAsync(actor, ct);
        if (!me.Succeeded)
            return me.Error!;
        var current = await status.ForAccountAsync(actor.AccountId!.Value, ct);
        if (current.Level == StorageLevel.Ok)
            return new StorageBanner(current, me.Value!.IsOwner, null);
        var inboxes = db.Inboxes.AsNoTracking().Where(i => i.AccountId == actor.AccountId).OrderBy(i => i.Name).ThenBy(i => i.Id);
        Guid? trash;
        if (me.Value!.IsOwner)
        {
            trash = await inboxes.Select(i => (Guid?)i.Id).FirstOrDefaultAsync(ct);
        }
        else
        {
            var roles = await db.InboxRoles.AsNoTracking().Where(r => r.UserId == actor.Id && r.Role != InboxRole.None)
                .ToDictionaryAsync(r => r.InboxId, r => r.Role, ct);
            var visible = (await inboxes.Select(i => i.Id).ToListAsync(ct)).Where(roles.ContainsKey).ToList();
            trash = visible.Where(i => roles[i] == InboxRole.Administrator).Select(i => (Guid?)i).FirstOrDefault()
                ?? visible.Select(i => (Guid?)i).FirstOrDefault();
        }
        return new StorageBanner(current, me.Value.IsOwner, trash);
    }
}
