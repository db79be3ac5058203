using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Plans;

/// <summary>An account's limits: its plan's bundle (or, without a plan, the installation's defaults from
/// <see cref="PlansOptions"/>) plus every approved option request.</summary>
internal sealed class AccountLimitsReader(MadoguchiDbContext db, IOptions<PlansOptions> options) : IAccountLimitsReader
{
    private const long Mb = 1024 * 1024;

    public async Task<AccountLimits> GetAsync(Guid accountId, CancellationToken ct)
    {
        var plan = await db.AccountPlans.AsNoTracking().Where(a => a.AccountId == accountId)
            .Join(db.Plans, a => a.PlanId, p => p.Id, (a, p) => p).SingleOrDefaultAsync(ct);
        return Compute(plan, await ApprovedExtrasAsync(db, accountId, ct), options.Value);
    }

    /// <summary>The plan's bundle (none: the installation's defaults) plus the approved extras.</summary>
    internal static AccountLimits Compute(Plan? plan, ApprovedExtras extra, PlansOptions o)
    {
        var (users, inboxes, storageMb) = plan is null ? (o.UnplannedUsers, o.UnplannedInboxes, o.UnplannedStorageMb) : (plan.Users, plan.Inboxes, plan.StorageMb);
        return new AccountLimits(users + extra.Users, inboxes + extra.Inboxes, (storageMb + extra.StorageGb * 1024L) * Mb);
    }

    internal static async Task<ApprovedExtras> ApprovedExtrasAsync(MadoguchiDbContext db, Guid accountId, CancellationToken ct)
    {
        var approved = await db.OptionRequests.AsNoTracking().Where(r => r.AccountId == accountId && r.State == OptionRequestState.Approved)
            .Select(r => new { r.ExtraUsers, r.ExtraStorageGb, r.ExtraInboxes, r.MonthlyYen }).ToListAsync(ct);
        return new ApprovedExtras(approved.Sum(r => r.ExtraUsers), approved.Sum(r => r.ExtraStorageGb), approved.Sum(r => r.ExtraInboxes), approved.Sum(r => r.MonthlyYen));
    }
}

/// <summary>The sum of an account's approved option requests.</summary>
public sealed record ApprovedExtras(int Users, int StorageGb, int Inboxes, int MonthlyYen);

/// <summary>What an account uses against its limits: users (invited and locked ones count), inboxes, stored mail.</summary>
public sealed record AccountUsage(int Users, int Inboxes, long StorageBytes)
{
    public static async Task<AccountUsage> ReadAsync(MadoguchiDbContext db, Guid accountId, CancellationToken ct) => new(
        await db.Users.CountAsync(u => u.AccountId == accountId, ct),
        await db.Inboxes.CountAsync(i => i.AccountId == accountId, ct),
        await db.AccountStorageUsages.Where(u => u.AccountId == accountId).Select(u => u.Bytes).SingleOrDefaultAsync(ct));
}
