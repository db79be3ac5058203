using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Status.Summary;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Status.Incidents;

/// <summary>Adds a timeline entry to an incident, optionally changing its affected components; "resolved" resolves it and
/// hands its components back to the probes. A resolved incident takes no more updates (audited).</summary>
public sealed class PostIncidentUpdateCommand(MadoguchiDbContext db, AuditTrail audit, TimeProvider time, StatusSummaryCache cache)
{
    public async Task<Result<IncidentView>> HandleAsync(Actor actor, Guid incidentId, PostIncidentUpdateRequest request, CancellationToken ct)
    {
        if (!IncidentRules.IsOperator(actor))
            return IncidentRules.OperatorsOnly();
        var invalid = IncidentRules.CheckStatus(request.Status) ?? IncidentRules.CheckMessage(request.Message) ?? IncidentRules.CheckComponents(request.Components);
        if (invalid is not null)
            return invalid;
        var incident = await db.Set<Incident>().SingleOrDefaultAsync(i => i.Id == incidentId, ct);
        if (incident is null)
            return Error.NotFound("The incident");
        if (incident.ResolvedAt is not null)
            return new Error(ErrorKind.Conflict, "incident_resolved", "This incident is resolved; open a new one.");

        var now = time.GetUtcNow().UtcDateTime;
        var status = request.Status ?? incident.Status;
        incident.Updates.Add(new IncidentUpdate { Status = status, Message = request.Message!.Trim(), CreatedAt = now });
        incident.Status = status;
        incident.UpdatedAt = now;
        if (request.Components is not null)
            IncidentRules.SetComponents(incident, request.Components);
        if (status == IncidentStatus.Resolved)
            incident.ResolvedAt = now;
        audit.RecordInstallation(status == IncidentStatus.Resolved ? AuditAction.IncidentResolved : AuditAction.IncidentUpdated, actor,
            $"incident {incident.Id}: {status}");
        await db.SaveChangesAsync(ct);
        cache.Invalidate();
        return IncidentView.From(incident);
    }
}
