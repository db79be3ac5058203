using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Status.Summary;

namespace Madoguchi.Core.Status.Incidents;

/// <summary>An operator declares an incident with its first timeline entry and the components it affects (audited).</summary>
public sealed class CreateIncidentCommand(MadoguchiDbContext db, AuditTrail audit, TimeProvider time, StatusSummaryCache cache)
{
    public async Task<Result<IncidentView>> HandleAsync(Actor actor, CreateIncidentRequest request, CancellationToken ct)
    {
        if (!IncidentRules.IsOperator(actor))
            return IncidentRules.OperatorsOnly();
        var title = request.Title?.Trim();
        if (string.IsNullOrEmpty(title) || title.Length > Incident.MaxTitleLength)
            return new Error(ErrorKind.Invalid, "invalid_title", $"The title is required, at most {Incident.MaxTitleLength} characters.");
        if (request.Impact is { } impact && !Enum.IsDefined(impact))
            return new Error(ErrorKind.Invalid, "invalid_impact", "Unknown impact.");
        var invalid = IncidentRules.CheckStatus(request.Status) ?? IncidentRules.CheckMessage(request.Message) ?? IncidentRules.CheckComponents(request.Components);
        if (invalid is not null)
            return invalid;

        var now = time.GetUtcNow().UtcDateTime;
        var status = request.Status ?? IncidentStatus.Investigating;
        var incident = new Incident
        {
            Title = title,
            Impact = request.Impact ?? IncidentImpact.Minor,
            Status = status,
            CreatedAt = now,
            UpdatedAt = now,
            ResolvedAt = status == IncidentStatus.Resolved ? now : null,
        };
        IncidentRules.SetComponents(incident, request.Components ?? []);
        incident.Updates.Add(new IncidentUpdate { Status = status, Message = request.Message!.Trim(), CreatedAt = now });
        db.Add(incident);
        audit.RecordInstallation(AuditAction.IncidentCreated, actor, $"incident {incident.Id}: {title}");
        await db.SaveChangesAsync(ct);
        cache.Invalidate();
        return IncidentView.From(incident);
    }
}
