using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Status.Incidents;

/// <summary>Incidents for the operator console and API: unresolved first, then newest.</summary>
public sealed class ListIncidentsQuery(MadoguchiDbContext db)
{
    public async Task<Result<Page<IncidentView>>> HandleAsync(Actor actor, PageRequest page, CancellationToken ct)
    {
        if (!IncidentRules.IsOperator(actor))
            return IncidentRules.OperatorsOnly();
        var incidents = db.Set<Incident>().AsNoTracking();
        var total = await incidents.CountAsync(ct);
        var items = await incidents.OrderBy(i => i.ResolvedAt != null).ThenByDescending(i => i.CreatedAt).Page(page).AsSplitQuery().ToListAsync(ct);
        return new Page<IncidentView>([.. items.Select(IncidentView.From)], total);
    }
}
