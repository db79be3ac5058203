using Madoguchi.Core.Status.Monitoring;
using Madoguchi.Web.Authentication;

namespace Madoguchi.Web.Api.Operators;

public static class MonitoringAlertEndpoints
{
    /// <summary>The signed-in operator's monitoring notices (a component left "operational", or recovered) and marking one read.</summary>
    public static void MapMonitoringAlertEndpoints(this RouteGroupBuilder operators)
    {
        operators.MapGet("/alerts", async (bool? unread, ListOperatorAlertsQuery query, HttpContext context, CancellationToken ct) =>
            (await query.HandleAsync(context.GetActor(), unread ?? false, ct)).ToHttp())
            .WithSummary("This operator's monitoring alerts and recovery notices, unread first, newest first (at most 50); ?unread=true for unread only.");
        operators.MapPost("/alerts/{id:guid}/read", async (Guid id, MarkOperatorAlertReadCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, ct)).ToHttp())
            .WithSummary("Marks one of this operator's monitoring alerts read.");
        operators.MapGet("/alert-emails", async (ListAlertEmailsQuery query, HttpContext context, CancellationToken ct) =>
            (await query.HandleAsync(context.GetActor(), ct)).ToHttp())
            .WithSummary("Whether monitoring alert emails are on (Madoguchi:Alerts:Smtp), to how many recipients, and the latest alert emails with their outcome (sent, pending, failed with the error).");
    }
}
