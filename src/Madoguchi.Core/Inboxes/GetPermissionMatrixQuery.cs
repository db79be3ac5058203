using Madoguchi.Core.Accounts;
using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Inboxes;

public sealed record PermissionRow(UserView User, IReadOnlyDictionary<Guid, InboxRole> Roles);

/// <summary>権限設定: users × inboxes with each role, and the owners' shields. Non-owners see the inboxes they can see.</summary>
public sealed record PermissionMatrix(IReadOnlyList<InboxView> Inboxes, IReadOnlyList<PermissionRow> Rows);

public sealed class GetPermissionMatrixQuery(MadoguchiDbContext db, ListInboxesQuery inboxes)
{
    public async Task<Result<PermissionMatrix>> HandleAsync(Actor actor, CancellationToken ct)
    {
        var visible = await inboxes.HandleAsync(actor, new PageRequest(0, int.MaxValue), ct);
        if (!visible.Succeeded)
            return visible.Error!;
        var inboxIds = visible.Value!.Items.Select(i => i.Id).ToList();
        var users = await db.Users.AsNoTracking().Where(u => u.AccountId == actor.AccountId)
            .OrderBy(u => u.FamilyName).ThenBy(u => u.GivenName).Select(UserView.Projection).ToListAsync(ct);
        var roles = await db.InboxRoles.AsNoTracking().Where(r => inboxIds.Contains(r.InboxId)).ToListAsync(ct);
        var byUser = roles.ToLookup(r => r.UserId);
        var rows = users.Select(u => new PermissionRow(u, byUser[u.Id].ToDictionary(r => r.InboxId, r => r.Role))).ToList();
        return new PermissionMatrix(visible.Value.Items, rows);
    }
}
