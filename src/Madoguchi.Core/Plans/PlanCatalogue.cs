using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Plans;

public sealed record PlanView(Guid Id, string Name, int Users, int Inboxes, long StorageMb, int MonthlyPriceYen, bool CustomSmtp, int AuditRetentionDays, int SortOrder)
{
    public static PlanView From(Plan p) => new(p.Id, p.Name, p.Users, p.Inboxes, p.StorageMb, p.MonthlyPriceYen, p.CustomSmtp, p.AuditRetentionDays, p.SortOrder);
}

/// <summary>A plan as an operator writes it. <c>auditRetentionDays</c> is 7 or 365.</summary>
public sealed record SavePlanRequest(string? Name, int Users, int Inboxes, long StorageMb, int MonthlyPriceYen, bool CustomSmtp, int AuditRetentionDays, int SortOrder);

public sealed record OptionPriceView(OptionKind Kind, int MonthlyPriceYen);

/// <summary>The plans catalogue, cheapest first (operators; owners see their own plan through <see cref="GetAccountPlanQuery"/>).</summary>
public sealed class ListPlansQuery(MadoguchiDbContext db)
{
    public async Task<Result<IReadOnlyList<PlanView>>> HandleAsync(Actor actor, CancellationToken ct)
    {
        if (actor.IsUser)
            return PlanRules.OperatorsOnly();
        var plans = await db.Plans.AsNoTracking().OrderBy(p => p.SortOrder).ThenBy(p => p.MonthlyPriceYen).ThenBy(p => p.Name).ToListAsync(ct);
        return plans.Select(PlanView.From).ToList();
    }
}

/// <summary>Adds a plan to the catalogue (id null) or changes one. A change applies at once to every account on the plan.</summary>
public sealed class SavePlanCommand(MadoguchiDbContext db, AuditTrail audit)
{
    public static readonly int[] RetentionChoices = [7, 365];

    public async Task<Result<PlanView>> HandleAsync(Actor actor, Guid? id, SavePlanRequest request, CancellationToken ct)
    {
        if (actor.IsUser)
            return PlanRules.OperatorsOnly();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > Plan.MaxNameLength)
            return new Error(ErrorKind.Invalid, "invalid_plan_name", $"Give the plan a name of 1 to {Plan.MaxNameLength} characters.");
        if (request.Users is < 1 or > 100_000 || request.Inboxes is < 1 or > 10_000 || request.StorageMb is < 1 or > 100_000_000)
            return new Error(ErrorKind.Invalid, "invalid_plan_limits", "A plan bundles at least 1 user, 1 inbox and 1 MB of storage.");
        if (request.MonthlyPriceYen is < 0 or > 100_000_000)
            return new Error(ErrorKind.Invalid, "invalid_price", "The monthly price is 0 yen or more.");
        if (!RetentionChoices.Contains(request.AuditRetentionDays))
            return new Error(ErrorKind.Invalid, "invalid_audit_retention", "The audit log is kept 7 or 365 days.");
        if (await db.Plans.AnyAsync(p => p.Name == name && p.Id != id, ct))
            return new Error(ErrorKind.Conflict, "plan_name_taken", "Another plan already has this name.");
        var plan = id is null ? null : await db.Plans.SingleOrDefaultAsync(p => p.Id == id, ct);
        if (id is not null && plan is null)
            return Error.NotFound("The plan");
        if (plan is null)
        {
            plan = new Plan { Name = name };
            db.Plans.Add(plan);
        }
        plan.Name = name;
        plan.Users = request.Users;
        plan.Inboxes = request.Inboxes;
        plan.StorageMb = request.StorageMb;
        plan.MonthlyPriceYen = request.MonthlyPriceYen;
        plan.CustomSmtp = request.CustomSmtp;
        plan.AuditRetentionDays = request.AuditRetentionDays;
        plan.SortOrder = request.SortOrder;
        audit.RecordInstallation(id is null ? AuditAction.PlanCreated : AuditAction.PlanChanged, actor,
            $"{plan.Name}: {plan.Users} users, {plan.Inboxes} inboxes, {plan.StorageMb} MB, {plan.MonthlyPriceYen} yen/month");
        await db.SaveChangesAsync(ct);
        return PlanView.From(plan);
    }
}

/// <summary>The options catalogue: the monthly price of one extra user, one GB of storage and one inbox.</summary>
public sealed class ListOptionPricesQuery(MadoguchiDbContext db)
{
    public async Task<Result<IReadOnlyList<OptionPriceView>>> HandleAsync(Actor actor, CancellationToken ct)
    {
        if (actor.IsUser)
        {
            var owner = await Accounts.AccountGuards.RequireOwnerAsync(db, actor, ct);
            if (!owner.Succeeded)
                return owner.Error!;
        }
        return Result<IReadOnlyList<OptionPriceView>>.Ok(await ReadAsync(db, ct));
    }

    internal static async Task<IReadOnlyList<OptionPriceView>> ReadAsync(MadoguchiDbContext db, CancellationToken ct) =>
        (await db.OptionPrices.AsNoTracking().ToListAsync(ct)).OrderBy(o => o.Kind).Select(o => new OptionPriceView(o.Kind, o.MonthlyPriceYen)).ToList();
}

public sealed class SetOptionPriceCommand(MadoguchiDbContext db, AuditTrail audit)
{
    public async Task<Result<OptionPriceView>> HandleAsync(Actor actor, OptionKind kind, int monthlyPriceYen, CancellationToken ct)
    {
        if (actor.IsUser)
            return PlanRules.OperatorsOnly();
        if (monthlyPriceYen is < 0 or > 10_000_000)
            return new Error(ErrorKind.Invalid, "invalid_price", "The monthly price is 0 yen or more.");
        var price = await db.OptionPrices.SingleOrDefaultAsync(o => o.Kind == kind, ct);
        if (price is null)
        {
            price = new OptionPrice { Kind = kind };
            db.OptionPrices.Add(price);
        }
        price.MonthlyPriceYen = monthlyPriceYen;
        audit.RecordInstallation(AuditAction.OptionPriceChanged, actor, $"{kind}: {monthlyPriceYen} yen/month");
        await db.SaveChangesAsync(ct);
        return new OptionPriceView(kind, monthlyPriceYen);
    }
}

/// <summary>An operator puts an account on a plan (or changes its plan); its limits change at once.</summary>
public sealed class AssignPlanCommand(MadoguchiDbContext db, AuditTrail audit, TimeProvider time)
{
    public async Task<Result<PlanView>> HandleAsync(Actor actor, Guid accountId, Guid planId, CancellationToken ct)
    {
        if (actor.IsUser)
            return PlanRules.OperatorsOnly();
        if (!await db.Accounts.AnyAsync(a => a.Id == accountId, ct))
            return Error.NotFound("The account");
        var plan = await db.Plans.AsNoTracking().SingleOrDefaultAsync(p => p.Id == planId, ct);
        if (plan is null)
            return Error.NotFound("The plan");
        var current = await db.AccountPlans.SingleOrDefaultAsync(a => a.AccountId == accountId, ct);
        if (current is null)
            db.AccountPlans.Add(current = new AccountPlan { AccountId = accountId });
        current.PlanId = plan.Id;
        current.AssignedAt = time.GetUtcNow().UtcDateTime;
        audit.Record(AuditAction.PlanAssigned, accountId, actor, detail: plan.Name);
        await db.SaveChangesAsync(ct);
        return PlanView.From(plan);
    }
}
