using Madoguchi.Core.Status.Incidents;
using Madoguchi.Core.Status.Maintenance;

namespace Madoguchi.Core.Status.Summary;

/// <summary>Where a component's shown state comes from.</summary>
public enum StateSource
{
    /// <summary>No probe result yet: shown as operational, marked "not yet checked".</summary>
    NotYetChecked = 0,
    Probe = 1,
    Maintenance = 2,
    Incident = 3,
}

/// <summary>The overall indicator of the common status-page summary.</summary>
public enum StatusIndicator
{
    None = 0,
    Minor = 1,
    Major = 2,
    Critical = 3,
    Maintenance = 4,
}

public sealed record ComponentEffectiveState(StatusComponent Component, ComponentState State, StateSource Source, DateTime? CheckedAt, Guid? IncidentId);

/// <summary>The precedence rule in one place: an unresolved incident's operator-set state (the worst, when several name the
/// component) beats a running maintenance window, which beats the latest probe result.</summary>
public static class EffectiveStates
{
    public static IReadOnlyList<ComponentEffectiveState> Resolve(IReadOnlyDictionary<StatusComponent, (ComponentState State, DateTime CheckedAt)> latestProbes,
        IEnumerable<IncidentView> incidents, IEnumerable<MaintenanceView> maintenances, DateTime now)
    {
        var active = incidents.Where(i => i.IsActive).ToList();
        var running = maintenances.Where(m => m.Status == MaintenanceStatus.InProgress && m.StartsAt <= now && now < m.EndsAt).ToList();
        var result = new List<ComponentEffectiveState>();
        foreach (var component in Enum.GetValues<StatusComponent>())
        {
            DateTime? checkedAt = latestProbes.TryGetValue(component, out var probe) ? probe.CheckedAt : null;
            var overrides = active.SelectMany(i => i.Components.Where(c => c.Component == component).Select(c => (i.Id, c.State)))
                .OrderByDescending(o => Severity(o.State)).ToList();
            if (overrides.Count > 0)
                result.Add(new(component, overrides[0].State, StateSource.Incident, checkedAt, overrides[0].Id));
            else if (running.Any(m => m.Components.Contains(component)))
                result.Add(new(component, ComponentState.UnderMaintenance, StateSource.Maintenance, checkedAt, null));
            else if (checkedAt is not null)
                result.Add(new(component, probe.State, StateSource.Probe, checkedAt, null));
            else
                result.Add(new(component, ComponentState.Operational, StateSource.NotYetChecked, null, null));
        }
        return result;
    }

    /// <summary>Worst of the components' states and the active incidents' impacts; "maintenance" only when nothing is worse.</summary>
    public static StatusIndicator Overall(IReadOnlyList<ComponentEffectiveState> components, IEnumerable<IncidentView> incidents)
    {
        var worst = components.Select(c => c.State switch
        {
            ComponentState.DegradedPerformance => StatusIndicator.Minor,
            ComponentState.PartialOutage => StatusIndicator.Major,
            ComponentState.MajorOutage => StatusIndicator.Critical,
            _ => StatusIndicator.None,
        }).Concat(incidents.Where(i => i.IsActive).Select(i => (StatusIndicator)(int)i.Impact)).DefaultIfEmpty(StatusIndicator.None).Max();
        return worst == StatusIndicator.None && components.Any(c => c.State == ComponentState.UnderMaintenance) ? StatusIndicator.Maintenance : worst;
    }

    /// <summary>Orders states by how bad they are for customers (maintenance between degraded and partial outage).</summary>
    public static int Severity(ComponentState state) => state switch
    {
        ComponentState.Operational => 0,
        ComponentState.DegradedPerformance => 1,
        ComponentState.UnderMaintenance => 2,
        ComponentState.PartialOutage => 3,
        ComponentState.MajorOutage => 4,
        _ => 0,
    };
}
