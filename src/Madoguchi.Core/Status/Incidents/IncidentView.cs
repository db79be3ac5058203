namespace Madoguchi.Core.Status.Incidents;

public sealed record AffectedComponent(StatusComponent Component, ComponentState State);

public sealed record IncidentUpdateView(Guid Id, IncidentStatus Status, string Message, DateTime CreatedAt);

/// <summary>An incident as the API, the console and the public page show it; updates newest first.</summary>
public sealed record IncidentView(Guid Id, string Title, IncidentImpact Impact, IncidentStatus Status, DateTime CreatedAt, DateTime UpdatedAt,
    DateTime? ResolvedAt, IReadOnlyList<AffectedComponent> Components, IReadOnlyList<IncidentUpdateView> Updates)
{
    public bool IsActive => ResolvedAt is null;

    public static IncidentView From(Incident incident) => new(incident.Id, incident.Title, incident.Impact, incident.Status, incident.CreatedAt,
        incident.UpdatedAt, incident.ResolvedAt,
        [.. incident.Components.OrderBy(c => c.Component).Select(c => new AffectedComponent(c.Component, c.State))],
        [.. incident.Updates.OrderByDescending(u => u.CreatedAt).ThenByDescending(u => u.Status).Select(u => new IncidentUpdateView(u.Id, u.Status, u.Message, u.CreatedAt))]);
}

/// <summary>Body of POST /api/v1/operator/incidents.</summary>
public sealed record CreateIncidentRequest(string? Title, IncidentImpact? Impact, IncidentStatus? Status, string? Message, IReadOnlyList<AffectedComponent>? Components);

/// <summary>Body of POST /api/v1/operator/incidents/{id}/updates. <see cref="Components"/>, when given, replaces the affected
/// components and their states; status <c>resolved</c> resolves the incident.</summary>
public sealed record PostIncidentUpdateRequest(IncidentStatus? Status, string? Message, IReadOnlyList<AffectedComponent>? Components);
