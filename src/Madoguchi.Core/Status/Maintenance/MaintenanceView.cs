namespace Madoguchi.Core.Status.Maintenance;

public sealed record MaintenanceView(Guid Id, string Title, string? Description, DateTime StartsAt, DateTime EndsAt, MaintenanceStatus Status,
    IReadOnlyList<StatusComponent> Components, DateTime CreatedAt, DateTime? CancelledAt)
{
    public static MaintenanceView From(MaintenanceWindow window, DateTime now) => new(window.Id, window.Title, window.Description, window.StartsAt,
        window.EndsAt, StatusAt(window, now), [.. window.Components.Select(c => c.Component).Order()], window.CreatedAt, window.CancelledAt);

    public static MaintenanceStatus StatusAt(MaintenanceWindow window, DateTime now) =>
        window.CancelledAt is { } cancelled && cancelled < window.StartsAt ? MaintenanceStatus.Cancelled
        : now >= window.EndsAt ? MaintenanceStatus.Completed
        : now >= window.StartsAt ? MaintenanceStatus.InProgress
        : MaintenanceStatus.Scheduled;
}

/// <summary>Body of POST /api/v1/operator/maintenances: times in UTC (ISO 8601 with an offset).</summary>
public sealed record ScheduleMaintenanceRequest(string? Title, string? Description, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, IReadOnlyList<StatusComponent>? Components);
