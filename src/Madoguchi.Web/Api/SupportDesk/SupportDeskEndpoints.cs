using Madoguchi.Core.Status.SupportDesk;
using Madoguchi.Web.Authentication;

namespace Madoguchi.Web.Api.SupportDesk;

public sealed record SupportHoursRequest(IReadOnlyList<SupportHoursInput>? Hours);

public static class SupportDeskEndpoints
{
    /// <summary>The support calendar and notices for operators (session or operator token; account users get 403). Every change is audited.</summary>
    public static void MapSupportDeskOperatorEndpoints(this RouteGroupBuilder api)
    {
        var calendar = api.MapGroup("/operator/support-calendar").WithTags("Operator").RequireAuthorization(AuthenticationSetup.OperatorPolicy);
        calendar.MapGet("", async (DateTimeOffset? at, GetSupportCalendarQuery query, HttpContext context, CancellationToken ct) =>
            (await query.HandleAsync(context.GetActor(), at, ct)).ToHttp())
            .Produces<SupportDeskView>()
            .WithSummary("The desk's zone, weekly hours, every closure, and whether it is open at `at` (an ISO 8601 instant; now when left out) and when it next opens.");
        calendar.MapPut("/hours", async (SupportHoursRequest request, SetSupportHoursCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), request.Hours ?? [], ct)).ToHttp())
            .Produces<IReadOnlyList<SupportHoursView>>()
            .WithSummary("Replace the weekly hours: `{\"hours\": [{\"day\": \"monday\", \"opens\": \"09:00\", \"closes\": \"12:00\"}, …]}`, several ranges per day allowed, `24:00` closes at midnight.");
        calendar.MapPost("/closures", async (AddSupportClosureRequest request, AddSupportClosureCommand command, HttpContext context, CancellationToken ct) =>
        {
            var result = await command.HandleAsync(context.GetActor(), request, ct);
            return result.Succeeded ? TypedResults.Created($"/api/v1/operator/support-calendar/closures/{result.Value!.Id}", result.Value) : ApiResults.Problem(result.Error!);
        }).Produces<SupportClosureView>(StatusCodes.Status201Created)
            .WithSummary("Add closed days (`kind`: holiday or oneOff, `label`, `firstDay` and `lastDay` included, dates in the desk's zone).");
        calendar.MapDelete("/closures/{id:guid}", async (Guid id, RemoveSupportClosureCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, ct)).ToHttp())
            .WithSummary("Remove a closure.");

        var notices = api.MapGroup("/operator/notices").WithTags("Operator").RequireAuthorization(AuthenticationSetup.OperatorPolicy);
        notices.MapGet("", async (ListSupportNoticesQuery query, HttpContext context, CancellationToken ct) =>
            (await query.HandleAsync(context.GetActor(), ct)).ToHttp())
            .Produces<IReadOnlyList<SupportNoticeView>>()
            .WithSummary("Every notice, newest first.");
        notices.MapPost("", async (CreateSupportNoticeRequest request, CreateSupportNoticeCommand command, HttpContext context, CancellationToken ct) =>
        {
            var result = await command.HandleAsync(context.GetActor(), request, ct);
            return result.Succeeded ? TypedResults.Created($"/api/v1/operator/notices/{result.Value!.Id}", result.Value) : ApiResults.Problem(result.Error!);
        }).Produces<SupportNoticeView>(StatusCodes.Status201Created)
            .WithSummary("Write a banner for account users (`textJa`, `textEn`, `shownFrom`, `shownUntil`); tied to a closure (`closureId`) the period defaults to NoticeDaysBefore days before it until its end.");
        notices.MapDelete("/{id:guid}", async (Guid id, DeleteSupportNoticeCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, ct)).ToHttp())
            .WithSummary("Take a notice down.");
    }

    /// <summary>Public: the desk's hours and whether it is open now (what the status page shows). No sign-in.</summary>
    public static void MapSupportDeskPublicEndpoints(this RouteGroupBuilder api) =>
        api.MapGet("/support-desk", async (GetSupportDeskQuery query, CancellationToken ct) => TypedResults.Ok(await query.HandleAsync(ct)))
            .WithTags("Status").AllowAnonymous()
            .WithSummary("The support desk: zone, weekly hours, closures not yet over, open now (until) or when it next opens.");

    /// <summary>The signed-in user's current notices, and closing one for themself.</summary>
    public static void MapNoticeEndpoints(this RouteGroupBuilder users)
    {
        users.MapGet("/notices", async (ListCurrentNoticesQuery query, HttpContext context, CancellationToken ct) =>
            TypedResults.Ok(await query.HandleAsync(context.GetActor(), ct)))
            .WithTags("Notices").WithSummary("Support notices shown to me now (not closed by me).");
        users.MapPost("/notices/{id:guid}/dismiss", async (Guid id, DismissNoticeCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, ct)).ToHttp())
            .WithTags("Notices").WithSummary("Close a notice's banner for me.");
    }
}
