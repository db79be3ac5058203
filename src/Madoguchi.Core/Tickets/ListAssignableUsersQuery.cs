using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Tickets;

public sealed record AssignableUser(Guid Id, string Name, string? MentionName);

/// <summary>Who a ticket of the inbox can be assigned to (and who @mentions reach): active users who see the inbox.</summary>
public sealed class ListAssignableUsersQuery(MadoguchiDbContext db)
{
    public async Task<Result<IReadOnlyList<AssignableUser>>> HandleAsync(Actor actor, Guid inboxId, CancellationToken ct)
    {
        var access = await db.RequireRoleAsync(actor, inboxId, InboxRole.Assistant, ct);
        if (!access.Succeeded)
            return access.Error!;
        var users = await InboxMembers.Of(db, actor.AccountId!.Value, inboxId).AsNoTracking()
            .Select(u => new { u.Id, u.FamilyName, u.GivenName, u.MentionName }).ToListAsync(ct);
        return users.Select(u => new AssignableUser(u.Id, $"{u.FamilyName} {u.GivenName}", u.MentionName))
            .OrderBy(u => u.Name, StringComparer.Ordinal).ToList();
    }
}
