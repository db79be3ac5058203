using Madoguchi.Core.Accounts;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Plans;

/// <summary>ご契約中のプラン内容: the plan (null: none yet, the installation's defaults apply), the approved extras, the
/// limits against current use, the monthly total (plan plus approved options) and the option prices to request more.</summary>
public sealed record AccountPlanView(PlanView? Plan, ApprovedExtras Options, AccountLimits Limits, AccountUsage Usage, int MonthlyTotalYen,
    IReadOnlyList<OptionPriceView> OptionPrices, int PendingRequests);

public sealed record OptionRequestView(Guid Id, Guid AccountId, string? AccountName, string RequestedBy, DateTime RequestedAt, int ExtraUsers, int ExtraStorageGb,
    int ExtraInboxes, string? OtherText, int MonthlyYen, OptionRequestState State, DateTime? DecidedAt, string? DecidedBy, string? Note)
{
    internal static OptionRequestView From(OptionRequest r, string? accountName) => new(r.Id, r.AccountId, accountName, r.RequestedByName, r.RequestedAt,
        r.ExtraUsers, r.ExtraStorageGb, r.ExtraInboxes, r.OtherText, r.MonthlyYen, r.State, r.DecidedAt, r.DecidedBy, r.Note);
}

/// <summary>The plan of the actor's own account (owners only).</summary>
public sealed class GetAccountPlanQuery(MadoguchiDbContext db, IAccountLimitsReader limits)
{
    public async Task<Result<AccountPlanView>> HandleAsync(Actor actor, CancellationToken ct)
    {
        var owner = await db.RequireOwnerAsync(actor, ct);
        if (!owner.Succeeded)
            return owner.Error!;
        return await ReadAsync(db, limits, actor.AccountId!.Value, ct);
    }

    internal static async Task<AccountPlanView> ReadAsync(MadoguchiDbContext db, IAccountLimitsReader limits, Guid accountId, CancellationToken ct)
    {
        var plan = await db.AccountPlans.AsNoTracking().Where(a => a.AccountId == accountId).Join(db.Plans, a => a.PlanId, p => p.Id, (a, p) => p).SingleOrDefaultAsync(ct);
        var extras = await AccountLimitsReader.ApprovedExtrasAsync(db, accountId, ct);
        var pending = await db.OptionRequests.CountAsync(r => r.AccountId == accountId && r.State == OptionRequestState.Pending, ct);
        return new AccountPlanView(plan is null ? null : PlanView.From(plan), extras, await limits.GetAsync(accountId, ct), await AccountUsage.ReadAsync(db, accountId, ct),
            (plan?.MonthlyPriceYen ?? 0) + extras.MonthlyYen, await ListOptionPricesQuery.ReadAsync(db, ct), pending);
    }
}

/// <summary>The plan views of a page of accounts in a fixed number of queries, whatever the number of accounts (the
/// operator's account list): plans, option requests, users, inboxes and storage use each in one grouped read.</summary>
internal static class AccountPlanViews
{
    public static async Task<Dictionary<Guid, AccountPlanView>> ReadManyAsync(MadoguchiDbContext db, PlansOptions options, IReadOnlyCollection<Guid> accountIds,
        CancellationToken ct)
    {
        var ids = accountIds.ToList();
        var plans = await db.AccountPlans.AsNoTracking().Where(a => ids.Contains(a.AccountId))
            .Join(db.Plans, a => a.PlanId, p => p.Id, (a, p) => new { a.AccountId, Plan = p }).ToDictionaryAsync(x => x.AccountId, x => x.Plan, ct);
        var requests = await db.OptionRequests.AsNoTracking().Where(r => ids.Contains(r.AccountId) && r.State != OptionRequestState.Rejected)
            .GroupBy(r => new { r.AccountId, r.State })
            .Select(g => new
            {
                g.Key.AccountId,
                g.Key.State,
                Count = g.Count(),
                Users = g.Sum(r => r.ExtraUsers),
                StorageGb = g.Sum(r => r.ExtraStorageGb),
                Inboxes = g.Sum(r => r.ExtraInboxes),
                Yen = g.Sum(r => r.MonthlyYen),
            }).ToListAsync(ct);
        var users = await db.Users.AsNoTracking().Where(u => ids.Contains(u.AccountId)).GroupBy(u => u.AccountId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var inboxes = await db.Inboxes.AsNoTracking().Where(i => ids.Contains(i.AccountId)).GroupBy(i => i.AccountId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var storage = await db.AccountStorageUsages.AsNoTracking().Where(u => ids.Contains(u.AccountId)).ToDictionaryAsync(u => u.AccountId, u => u.Bytes, ct);
        var prices = await ListOptionPricesQuery.ReadAsync(db, ct);
        return ids.Distinct().ToDictionary(id => id, id =>
        {
            var plan = plans.GetValueOrDefault(id);
            var approved = requests.SingleOrDefault(r => r.AccountId == id && r.State == OptionRequestState.Approved);
            var extras = approved is null ? new ApprovedExtras(0, 0, 0, 0) : new ApprovedExtras(approved.Users, approved.StorageGb, approved.Inboxes, approved.Yen);
            var pending = requests.SingleOrDefault(r => r.AccountId == id && r.State == OptionRequestState.Pending)?.Count ?? 0;
            var usage = new AccountUsage(users.GetValueOrDefault(id), inboxes.GetValueOrDefault(id), storage.GetValueOrDefault(id));
            return new AccountPlanView(plan is null ? null : PlanView.From(plan), extras, AccountLimitsReader.Compute(plan, extras, options), usage,
                (plan?.MonthlyPriceYen ?? 0) + extras.MonthlyYen, prices, pending);
        });
    }
}

/// <summary>The option requests of the actor's own account, newest first, with the operator's answer (owners only).</summary>
public sealed class ListAccountOptionRequestsQuery(MadoguchiDbContext db)
{
    public async Task<Result<IReadOnlyList<OptionRequestView>>> HandleAsync(Actor actor, CancellationToken ct)
    {
        var owner = await db.RequireOwnerAsync(actor, ct);
        if (!owner.Succeeded)
            return owner.Error!;
        var accountId = actor.AccountId!.Value;
        var requests = await db.OptionRequests.AsNoTracking().Where(r => r.AccountId == accountId).ToListAsync(ct);
        return requests.OrderByDescending(r => r.RequestedAt).ThenByDescending(r => r.Id).Select(r => OptionRequestView.From(r, null)).ToList();
    }
}

/// <summary>The operator's queue: option requests of every account, pending ones first, oldest first within a state.</summary>
public sealed class ListOptionRequestsQuery(MadoguchiDbContext db)
{
    public async Task<Result<IReadOnlyList<OptionRequestView>>> HandleAsync(Actor actor, OptionRequestState? state, CancellationToken ct)
    {
        if (actor.IsUser)
            return PlanRules.OperatorsOnly();
        var query = db.OptionRequests.AsNoTracking();
        if (state is not null)
            query = query.Where(r => r.State == state);
        var rows = await query.Join(db.Accounts, r => r.AccountId, a => a.Id, (r, a) => new { Request = r, a.Name }).ToListAsync(ct);
        return rows.OrderBy(x => x.Request.State != OptionRequestState.Pending).ThenBy(x => x.Request.RequestedAt).ThenBy(x => x.Request.Id)
            .Take(PageRequest.MaxLimit).Select(x => OptionRequestView.From(x.Request, x.Name)).ToList();
    }
}

/// <summary>The plan view of any account, for the operator console's account detail.</summary>
public sealed class GetAccountPlanForOperatorQuery(MadoguchiDbContext db, IAccountLimitsReader limits)
{
    public async Task<Result<AccountPlanView>> HandleAsync(Actor actor, Guid accountId, CancellationToken ct)
    {
        if (actor.IsUser)
            return PlanRules.OperatorsOnly();
        if (!await db.Accounts.AnyAsync(a => a.Id == accountId, ct))
            return Error.NotFound("The account");
        return await GetAccountPlanQuery.ReadAsync(db, limits, accountId, ct);
    }
}
