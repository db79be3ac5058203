using Madoguchi.Core.Common;
using Madoguchi.Core.Status.Incidents;
using Madoguchi.Core.Status.Maintenance;
using Madoguchi.Web.Authentication;

namespace Madoguchi.Web.Api.Status;

public static class StatusOperatorEndpoints
{
    /// <summary>Incidents and maintenance windows of the public status page: operators only (session or operator token), audited.</summary>
    public static void MapStatusOperatorEndpoints(this RouteGroupBuilder api)
    {
        var status = api.MapGroup("/operator").WithTags("Operator").RequireAuthorization(AuthenticationSetup.OperatorPolicy);
        status.MapGet("/incidents", async (int? offset, int? limit, ListIncidentsQuery query, HttpContext context, CancellationToken ct) =>
            ApiResults.TryPage(offset, limit, out var page, out var problem) ? (await query.HandleAsync(context.GetActor(), page, ct)).ToHttp() : problem!)
            .Produces<Page<IncidentView>>()
            .WithSummary("Incidents of the status page, unresolved first, then newest.");
        status.MapPost("/incidents", async (CreateIncidentRequest request, CreateIncidentCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), request, ct)).ToHttp())
            .Produces<IncidentView>()
            .WithSummary("Declare an incident with its first update and the state of each affected component (overrides the probes until resolved).");
        status.MapPost("/incidents/{id:guid}/updates", async (Guid id, PostIncidentUpdateRequest request, PostIncidentUpdateCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, request, ct)).ToHttp())
            .Produces<IncidentView>()
            .WithSummary("Post an update (investigating, identified, monitoring, resolved); optionally replace the affected components. Resolved hands them back to the probes.");
        status.MapGet("/maintenances", async (int? offset, int? limit, ListMaintenancesQuery query, HttpContext context, CancellationToken ct) =>
            ApiResults.TryPage(offset, limit, out var page, out var problem) ? (await query.HandleAsync(context.GetActor(), page, ct)).ToHttp() : problem!)
            .Produces<Page<MaintenanceView>>()
            .WithSummary("Maintenance windows, latest start first.");
        status.MapPost("/maintenances", async (ScheduleMaintenanceRequest request, ScheduleMaintenanceCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), request, ct)).ToHttp())
            .Produces<MaintenanceView>()
            .WithSummary("Schedule a maintenance window: its components are under maintenance while it runs.");
        status.MapPost("/maintenances/{id:guid}/cancel", async (Guid id, CancelMaintenanceCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, ct)).ToHttp())
            .Produces<MaintenanceView>()
            .WithSummary("Cancel a window that has not started, or end a running one now.");
    }
}
