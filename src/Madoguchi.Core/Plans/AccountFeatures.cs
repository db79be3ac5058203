using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Plans;

/// <summary>What an account's plan includes beyond quantities: sending through its own SMTP server (独自の送信設定) and how
/// long its audit log is kept. Without a plan the installation's defaults (<see cref="PlansOptions"/>) apply.</summary>
public sealed record AccountFeatures(bool CustomSmtp, int AuditRetentionDays);

/// <summary>Reads an account's plan features; the checks that enforce them ask here.</summary>
public sealed class AccountFeaturesReader(MadoguchiDbContext db, IOptions<PlansOptions> options)
{
    public async Task<AccountFeatures> GetAsync(Guid accountId, CancellationToken ct)
    {
        var plan = await db.AccountPlans.AsNoTracking().Where(a => a.AccountId == accountId)
            .Join(db.Plans, a => a.PlanId, p => p.Id, (a, p) => new AccountFeatures(p.CustomSmtp, p.AuditRetentionDays)).SingleOrDefaultAsync(ct);
        return plan ?? Unplanned(options.Value);
    }

    public static AccountFeatures Unplanned(PlansOptions options) => new(options.UnplannedCustomSmtp, options.UnplannedAuditRetentionDays);
}
