using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Plans;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Operators;

/// <summary>One account as operators see it. <see cref="LastActivityAt"/> is the latest sign-in of its users or entry in its
/// audit log (null: nothing yet).</summary>
public sealed record AccountOverview(Guid Id, string Name, DateTime CreatedAt, int UserCount, IReadOnlyList<UserView> Owners, IReadOnlyList<UserView> LockedUsers,
    bool Suspended = false, DateTime? SuspendedAt = null, string? SuspensionReason = null, DateTime? LastActivityAt = null,
    AccountPlanView? Plan = null);

/// <summary>The operator's view of every account: its owners and who is locked (so a fully locked-out account can be
/// helped), whether it is suspended and why, when anyone last did something in it, and its plan, options, limits and use.</summary>
public sealed class ListAccountsQuery(MadoguchiDbContext db, IOptions<PlansOptions> plansOptions)
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
        // The newest entry of each account is the one with the highest id (entries are only ever appended).
        var lastEntries = await db.AuditEntries.AsNoTracking().Where(e => e.AccountId != null && ids.Contains(e.AccountId.Value))
            .GroupBy(e => e.AccountId).Select(g => g.Max(e => e.Id)).ToListAsync(ct);
        var audited = await db.AuditEntries.AsNoTracking().Where(e => lastEntries.Contains(e.Id))
            .Select(e => new { e.AccountId, e.At }).ToDictionaryAsync(x => x.AccountId!.Value, x => x.At, ct);
        var items = accounts.Select(a => new AccountOverview(a.Id, a.Name, a.CreatedAt, byAccount[a.Id].Count(),
            byAccount[a.Id].Where(u => u.IsOwner).ToList(), byAccount[a.Id].Where(u => u.State == UserState.Locked).ToList(),
            a.SuspendedAt is not null, a.SuspendedAt, a.SuspensionReason, LastActivity(byAccount[a.Id], audited.GetValueOrDefault(a.Id)))).ToList();
        // Plan, options, limits and use of every account on the page: a fixed number of grouped reads.
        var plans = await AccountPlanViews.ReadManyAsync(db, plansOptions.Value, ids, ct);
        items = [.. items.Select(item => item with { Plan = plans[item.Id] })];
        return new Page<AccountOverview>(items, total);
    }

    private static DateTime? LastActivity(IEnumerable<UserView> users, DateTime audited)
    {
        var signIns = users.Select(u => u.LastSignInAt).Where(t => t is not null).Select(t => t!.Value).DefaultIfEmpty().Max();
        var last = signIns > audited ? signIns : audited;
        return last == default ? null : last;
    }
}
