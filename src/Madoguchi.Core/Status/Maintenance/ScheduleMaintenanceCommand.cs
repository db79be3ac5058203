using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Status.Incidents;
using Madoguchi.Core.Status.Summary;

namespace Madoguchi.Core.Status.Maintenance;

/// <summary>An operator schedules a maintenance window (audited). It may start in the past only to record work already under way.</summary>
public sealed class ScheduleMaintenanceCommand(MadoguchiDbContext db, AuditTrail audit, TimeProvider time, StatusSummaryCache cache)
{
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(14);

    public async Task<Result<MaintenanceView>> HandleAsync(Actor actor, ScheduleMaintenanceRequest request, CancellationToken ct)
    {
        if (!IncidentRules.IsOperator(actor))
            return IncidentRules.OperatorsOnly();
        var title = request.Title?.Trim();
        if (string.IsNullOrEmpty(title) || title.Length > MaintenanceWindow.MaxTitleLength)
            return new Error(ErrorKind.Invalid, "invalid_title", $"The title is required, at most {MaintenanceWindow.MaxTitleLength} characters.");
        var description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim();
        if (description?.Length > MaintenanceWindow.MaxDescriptionLength)
            return new Error(ErrorKind.Invalid, "invalid_description", $"The description is at most {MaintenanceWindow.MaxDescriptionLength} characters.");
        var now = time.GetUtcNow().UtcDateTime;
        if (request.StartsAt is not { } startsAt || request.EndsAt is not { } endsAt || endsAt <= startsAt || endsAt - startsAt > MaxDuration || endsAt.UtcDateTime <= now)
            return new Error(ErrorKind.Invalid, "invalid_window", "The window needs a start and a later end, not in the past, at most 14 days long.");
        var components = request.Components ?? [];
        if (components.Count == 0 || components.Any(c => !Enum.IsDefined(c)) || components.Distinct().Count() != components.Count)
            return new Error(ErrorKind.Invalid, "invalid_component", "Name each affected component once; at least one.");

        var window = new MaintenanceWindow
        {
            Title = title,
            Description = description,
            StartsAt = startsAt.UtcDateTime,
            EndsAt = endsAt.UtcDateTime,
            CreatedAt = now,
        };
        window.Components.AddRange(components.Select(c => new MaintenanceComponent { Component = c }));
        db.Add(window);
        audit.RecordInstallation(AuditAction.MaintenanceScheduled, actor, $"maintenance {window.Id}: {title}");
        await db.SaveChangesAsync(ct);
        cache.Invalidate();
        return MaintenanceView.From(window, now);
    }
}
