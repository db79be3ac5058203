using Madoguchi.Core.Data;
using Madoguchi.Core.Plans;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Retention;

/// <summary>監査ログの保存期間: deletes each account's audit entries older than its plan keeps them (7 days or 1 year; an
/// account without a plan keeps <see cref="PlansOptions.UnplannedAuditRetentionDays"/>). One delete per plan and one for the
/// accounts without a plan, whatever the number of accounts. Installation-wide entries (no account) are not touched.</summary>
public sealed class PruneAuditLogCommand(MadoguchiDbContext db, TimeProvider time, IOptions<PlansOptions> options)
{
    public async Task<int> HandleAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var plans = await db.Plans.AsNoTracking().Select(p => new { p.Id, p.AuditRetentionDays }).ToListAsync(ct);
        var deleted = 0;
        foreach (var plan in plans)
        {
            var cutoff = now.AddDays(-plan.AuditRetentionDays);
            deleted += await db.AuditEntries
                .Where(e => e.At < cutoff && db.AccountPlans.Any(a => a.AccountId == e.AccountId && a.PlanId == plan.Id))
                .ExecuteDeleteAsync(ct);
        }
        var unplannedCutoff = now.AddDays(-options.Value.UnplannedAuditRetentionDays);
        deleted += await db.AuditEntries
            .Where(e => e.AccountId != null && e.At < unplannedCutoff && !db.AccountPlans.Any(a => a.AccountId == e.AccountId))
            .ExecuteDeleteAsync(ct);
        return deleted;
    }
}

internal static partial class RetentionLog
{
    [LoggerMessage(EventId = 9004, Level = LogLevel.Information, Message = "Retention deleted {Entries} audit log entries older than their account's plan keeps them.")]
    public static partial void AuditEntriesExpired(ILogger logger, int entries);
}
