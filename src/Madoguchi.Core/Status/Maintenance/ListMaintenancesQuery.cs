using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Status.Incidents;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Status.Maintenance;

/// <summary>Maintenance windows for the operator console and API, latest start first.</summary>
public sealed class ListMaintenancesQuery(MadoguchiDbContext db, TimeProvider time)
{
    public async Task<Result<Page<MaintenanceView>>> HandleAsync(Actor actor, PageRequest page, CancellationToken ct)
    {
        if (!IncidentRules.IsOperator(actor))
            return IncidentRules.OperatorsOnly();
        var windows = db.Set<MaintenanceWindow>().AsNoTracking();
        var total = await windows.CountAsync(ct);
        var items = await windows.OrderByDescending(m => m.StartsAt).Page(page).ToListAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        return new Page<MaintenanceView>([.. items.Select(w => MaintenanceView.From(w, now))], total);
    }
}
