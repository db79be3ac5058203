using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Status.Incidents;
using Madoguchi.Core.Status.Summary;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Status.Maintenance;

/// <summary>Cancels a window that has not started, or ends a running one now (audited).</summary>
public sealed class CancelMaintenanceCommand(MadoguchiDbContext db, AuditTrail audit, TimeProvider time, StatusSummaryCache cache)
{
    public async Task<Result<MaintenanceView>> HandleAsync(Actor actor, Guid id, CancellationToken ct)
    {
        if (!IncidentRules.IsOperator(actor))
            return IncidentRules.OperatorsOnly();
        var window = await db.Set<MaintenanceWindow>().SingleOrDefaultAsync(m => m.Id == id, ct);
        if (window is null)
            return Error.NotFound("The maintenance window");
        var now = time.GetUtcNow().UtcDateTime;
        if (window.CancelledAt is not null || now >= window.EndsAt)
            return new Error(ErrorKind.Conflict, "maintenance_over", "This maintenance window is already over or cancelled.");
        window.CancelledAt = now;
        if (now >= window.StartsAt)
            window.EndsAt = now;
        audit.RecordInstallation(AuditAction.MaintenanceCancelled, actor, $"maintenance {window.Id}");
        await db.SaveChangesAsync(ct);
        cache.Invalidate();
        return MaintenanceView.From(window, now);
    }
}
