using Madoguchi.Core.Status.Incidents;
using Madoguchi.Core.Status.Maintenance;

namespace Madoguchi.Core.Status.Summary;

/// <summary>An incident named on an uptime bar's day.</summary>
public sealed record IncidentRef(Guid Id, string Title, IncidentImpact Impact);

/// <summary>One uptime bar: the day's figures and the incidents that touched the component that day.</summary>
public sealed record UptimeBar(UptimeDay Day, IReadOnlyList<IncidentRef> Incidents);

public sealed record ComponentSummary(StatusComponent Component, ComponentState State, StateSource Source, DateTime? CheckedAt,
    IReadOnlyList<UptimeBar> Bars, double? UptimePercent);

/// <summary>Everything the public page, <c>/status.json</c> and the Atom feed show, computed once and shared by every
/// request until it expires or an operator changes something.</summary>
public sealed record StatusSummary(
    string Name,
    string TimeZoneId,
    DateTime GeneratedAt,
    string Version,
    StatusIndicator Indicator,
    IReadOnlyList<ComponentSummary> Components,
    IReadOnlyList<IncidentView> ActiveIncidents,
    IReadOnlyList<IncidentView> RecentIncidents,
    IReadOnlyList<MaintenanceView> Maintenances)
{
    /// <summary>The newest change the summary shows (for the feed's updated element and Last-Modified).</summary>
    public DateTime LastChanged => RecentIncidents.Select(i => i.UpdatedAt)
        .Concat(Maintenances.Select(m => m.CreatedAt))
        .Concat(Components.Where(c => c.CheckedAt is not null).Select(c => c.CheckedAt!.Value))
        .DefaultIfEmpty(GeneratedAt).Max();
}
