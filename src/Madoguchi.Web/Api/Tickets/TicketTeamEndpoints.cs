using System.Globalization;
using System.Text.Json;
using Madoguchi.Core.Common;
using Madoguchi.Core.Tickets;
using Madoguchi.Core.Tickets.Comments;
using Madoguchi.Core.Tickets.History;
using Madoguchi.Core.Tickets.Labels;
using Madoguchi.Core.Tickets.Live;
using Madoguchi.Core.Tickets.Notifications;
using Madoguchi.Web.Authentication;

namespace Madoguchi.Web.Api.Tickets;

/// <summary>The body of PATCH /api/v1/tickets/{id}. Every field is optional; <c>assigneeId</c> and <c>pendingReasonId</c>
/// may be null (nobody, 保留理由なし). <c>version</c> (or an <c>If-Match</c> header) makes the change conditional.</summary>
public sealed record UpdateTicketBody(string? Status, string? Place, Guid? AssigneeId, Guid? PendingReasonId, IReadOnlyList<Guid>? LabelIds, Guid? InboxId, int? Version);

/// <summary>The body of POST /api/v1/tickets/bulk: which tickets and one change for all of them.</summary>
public sealed record BulkUpdateTicketsBody(IReadOnlyList<Guid> TicketIds, string? Status, string? Place, Guid? AssigneeId, Guid? PendingReasonId,
    IReadOnlyList<Guid>? LabelIds, IReadOnlyList<Guid>? AddLabelIds, IReadOnlyList<Guid>? RemoveLabelIds, Guid? InboxId);

public sealed record BulkUpdateTicketsResponse(IReadOnlyList<BulkTicketResult> Items);

public sealed record AddCommentRequest(string? Body);

/// <summary>Who has the ticket open now: one line per user with their activity (viewing; later: replying) and since when.</summary>
public sealed record TicketPresenceResponse(IReadOnlyList<PresenceViewer> Viewers);

public sealed record LabelRequest(string? Name, string? Color, Guid? ParentId);

public sealed record PendingReasonRequest(string? Name, int? Position);

/// <summary>Team work on tickets: the conditional PATCH, bulk changes, comments with @mentions, history, notifications,
/// and the labels and 保留理由 of an inbox.</summary>
public static class TicketTeamEndpoints
{
    public static void MapTicketTeamEndpoints(this RouteGroupBuilder api)
    {
        var tickets = api.MapGroup("/tickets").WithTags("Tickets");
        tickets.MapPatch("/{id:guid}", async (Guid id, JsonElement body, UpdateTicketCommand command, GetTicketStateQuery state, HttpContext context, CancellationToken ct) =>
        {
            if (!TryReadEdit(body, bulk: false, out var edit, out _, out var problem))
                return problem!;
            if (edit.ExpectedVersion is null && context.Request.Headers.IfMatch.ToString() is { Length: > 0 } ifMatch)
            {
                if (!TryParseETag(ifMatch, out var version))
                    return ApiResults.Invalid("invalid_if_match", "If-Match must be the ETag of the ticket, e.g. \"3\".");
                edit = edit with { ExpectedVersion = version };
            }
            var actor = context.GetActor();
            var result = await command.HandleAsync(actor, id, edit, ct);
            if (result.Succeeded)
            {
                context.Response.Headers.ETag = ETag(result.Value!.Version);
                return TypedResults.Ok(result.Value);
            }
            if (result.Error!.Code != UpdateTicketCommand.ChangedCode)
                return ApiResults.Problem(result.Error);
            var current = await state.HandleAsync(actor, id, ct);
            if (!current.Succeeded)
                return ApiResults.Problem(current.Error!);
            context.Response.Headers.ETag = ETag(current.Value!.Version);
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict.", detail: result.Error.Message,
                extensions: new Dictionary<string, object?> { ["code"] = result.Error.Code, ["current"] = current.Value });
        }).Accepts<UpdateTicketBody>("application/json").Produces<TicketListItem>()
            .WithSummary("Change status (pending with pendingReasonId), place, assigneeId (null: nobody), labelIds, or move to inboxId (Manager on both). With version or If-Match, a stale change answers 409 ticket_changed with the current state.");

        tickets.MapPost("/bulk", async (JsonElement body, BulkUpdateTicketsCommand command, HttpContext context, CancellationToken ct) =>
        {
            if (!TryReadEdit(body, bulk: true, out var edit, out var ids, out var problem))
                return problem!;
            return (await command.HandleAsync(context.GetActor(), ids, edit, ct)).ToHttp(items => new BulkUpdateTicketsResponse(items));
        }).Accepts<BulkUpdateTicketsBody>("application/json").Produces<BulkUpdateTicketsResponse>()
            .WithSummary("One change (status with reason, assignee, labels, trash, spam, back to inbox, move) for up to 50 tickets; one result per ticket.");

        tickets.MapGet("/{id:guid}/comments", async (Guid id, int? offset, int? limit, ListCommentsQuery query, HttpContext context, CancellationToken ct) =>
            !ApiResults.TryPage(offset, limit, out var page, out var problem) ? problem! : (await query.HandleAsync(context.GetActor(), id, page, ct)).ToHttp())
            .WithSummary("The ticket's internal comments, oldest first.");
        tickets.MapPost("/{id:guid}/comments", async (Guid id, AddCommentRequest request, AddCommentCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, request.Body, ct)).ToHttp())
            .WithSummary("Add an internal comment (up to 1,000 characters); @mentionName and @all notify members of the inbox.");
        tickets.MapGet("/{id:guid}/presence", async (Guid id, GetTicketPresenceQuery query, HttpContext context, CancellationToken ct) =>
            (await query.HandleAsync(context.GetActor(), id, ct)).ToHttp(viewers => new TicketPresenceResponse(viewers))).Produces<TicketPresenceResponse>()
            .WithSummary("Who has the ticket open right now (for duplicate-reply prevention): userId, name, activity and since. A screen whose heartbeat stopped (browser closed, instance gone) drops out after the presence timeout.");
        tickets.MapGet("/{id:guid}/history", async (Guid id, int? offset, int? limit, ListTicketHistoryQuery query, HttpContext context, CancellationToken ct) =>
            !ApiResults.TryPage(offset, limit, out var page, out var problem) ? problem! : (await query.HandleAsync(context.GetActor(), id, page, ct)).ToHttp())
            .WithSummary("Every change of the ticket, oldest first: who, what, from, to, when.");

        var notifications = api.MapGroup("/notifications").WithTags("Tickets");
        notifications.MapGet("", async (bool? unread, int? offset, int? limit, ListNotificationsQuery query, HttpContext context, CancellationToken ct) =>
            !ApiResults.TryPage(offset, limit, out var page, out var problem) ? problem! : (await query.HandleAsync(context.GetActor(), unread ?? false, page, ct)).ToHttp())
            .WithSummary("Your notifications (mentions, assignments), newest first, with the unread count.");
        notifications.MapPost("/{id:guid}/read", async (Guid id, MarkNotificationReadCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, ct)).ToHttp())
            .WithSummary("Mark one of your notifications read.");
        notifications.MapPost("/read-all", async (MarkAllNotificationsReadCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), ct)).ToHttp())
            .WithSummary("Mark all your notifications read.");

        var inbox = api.MapGroup("/inboxes/{id:guid}").WithTags("Tickets");
        inbox.MapGet("/labels", async (Guid id, ListLabelsQuery query, HttpContext context, CancellationToken ct) =>
            (await query.HandleAsync(context.GetActor(), id, ct)).ToHttp())
            .WithSummary("The inbox's labels (up to three levels), with their paths.");
        inbox.MapPost("/labels", async (Guid id, LabelRequest request, CreateLabelCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, new LabelInput(request.Name, request.Color, request.ParentId), ct)).ToHttp())
            .WithSummary("Add a label (Manager and up); color as #rrggbb, parentId for a child.");
        inbox.MapPatch("/labels/{labelId:guid}", async (Guid id, Guid labelId, LabelRequest request, UpdateLabelCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, labelId, new LabelInput(request.Name, request.Color, request.ParentId), ct)).ToHttp())
            .WithSummary("Rename, recolour or move a label (Manager and up).");
        inbox.MapDelete("/labels/{labelId:guid}", async (Guid id, Guid labelId, DeleteLabelCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, labelId, ct)).ToHttp())
            .WithSummary("Delete a label and its children (Manager and up).");
        inbox.MapGet("/pending-reasons", async (Guid id, ListPendingReasonsQuery query, HttpContext context, CancellationToken ct) =>
            (await query.HandleAsync(context.GetActor(), id, ct)).ToHttp())
            .WithSummary("The inbox's pending reasons (保留理由), in order.");
        inbox.MapPost("/pending-reasons", async (Guid id, PendingReasonRequest request, CreatePendingReasonCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, request.Name, ct)).ToHttp())
            .WithSummary("Add a pending reason (Manager and up; at most 10 per inbox).");
        inbox.MapPatch("/pending-reasons/{reasonId:guid}", async (Guid id, Guid reasonId, PendingReasonRequest request, UpdatePendingReasonCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, reasonId, request.Name, request.Position, ct)).ToHttp())
            .WithSummary("Rename or reorder a pending reason (Manager and up).");
        inbox.MapDelete("/pending-reasons/{reasonId:guid}", async (Guid id, Guid reasonId, DeletePendingReasonCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, reasonId, ct)).ToHttp())
            .WithSummary("Delete a pending reason (Manager and up); its tickets stay pending without a reason.");
    }

    public static string ETag(int version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    private static bool TryParseETag(string value, out int version)
    {
        var text = value.Trim();
        if (text.StartsWith("W/", StringComparison.Ordinal))
            text = text[2..];
        return int.TryParse(text.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out version);
    }

    /// <summary>Reads a change by hand, so that <c>"assigneeId": null</c> (nobody) differs from no assigneeId at all.</summary>
    private static bool TryReadEdit(JsonElement body, bool bulk, out TicketEdit edit, out IReadOnlyList<Guid> ticketIds, out IResult? problem)
    {
        edit = new TicketEdit();
        ticketIds = [];
        problem = null;
        if (body.ValueKind != JsonValueKind.Object)
            return Fail("invalid_body", "The body must be a JSON object.", out problem);
        foreach (var property in body.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name.ToLowerInvariant())
            {
                case "status":
                    if (value.ValueKind != JsonValueKind.String || !ApiResults.TryFilter<TicketStatus>(value.GetString(), "status", out var status, out problem) || status is null)
                    {
                        problem ??= ApiResults.Invalid("invalid_status", "status must be open, pending, closed or noAction.");
                        return false;
                    }
                    edit = edit with { Status = status };
                    break;
                case "place":
                    if (value.ValueKind != JsonValueKind.String || !ApiResults.TryFilter<TicketPlace>(value.GetString(), "place", out var place, out problem) || place is null)
                    {
                        problem ??= ApiResults.Invalid("invalid_place", "place must be inbox, trash or spam.");
                        return false;
                    }
                    edit = edit with { Place = place };
                    break;
                case "assigneeid":
                    if (!TryGuidOrNull(value, out var assignee))
                        return Fail("invalid_assignee", "assigneeId must be a user id or null.", out problem);
                    edit = edit with { SetsAssignee = true, AssigneeId = assignee };
                    break;
                case "pendingreasonid":
                    if (!TryGuidOrNull(value, out var reason))
                        return Fail("invalid_pending_reason", "pendingReasonId must be a pending reason id or null.", out problem);
                    edit = edit with { SetsPendingReason = true, PendingReasonId = reason };
                    break;
                case "labelids":
                    if (!TryGuids(value, out var labels))
                        return Fail("invalid_label", "labelIds must be a list of label ids.", out problem);
                    edit = edit with { LabelIds = labels };
                    break;
                case "addlabelids" when bulk:
                    if (!TryGuids(value, out var add))
                        return Fail("invalid_label", "addLabelIds must be a list of label ids.", out problem);
                    edit = edit with { AddLabelIds = add };
                    break;
                case "removelabelids" when bulk:
                    if (!TryGuids(value, out var remove))
                        return Fail("invalid_label", "removeLabelIds must be a list of label ids.", out problem);
                    edit = edit with { RemoveLabelIds = remove };
                    break;
                case "inboxid":
                    if (!TryGuidOrNull(value, out var inbox) || inbox is null)
                        return Fail("invalid_inbox", "inboxId must be an inbox id.", out problem);
                    edit = edit with { InboxId = inbox };
                    break;
                case "version" when !bulk:
                    if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var version))
                        return Fail("invalid_version", "version must be the ticket's version number.", out problem);
                    edit = edit with { ExpectedVersion = version };
                    break;
                case "ticketids" when bulk:
                    if (!TryGuids(value, out var ids))
                        return Fail("invalid_ticket_ids", "ticketIds must be a list of ticket ids.", out problem);
                    ticketIds = ids;
                    break;
                default:
                    return Fail("invalid_body", $"Unknown field \"{property.Name}\".", out problem);
            }
        }
        return true;
    }

    private static bool Fail(string code, string message, out IResult? problem)
    {
        problem = ApiResults.Invalid(code, message);
        return false;
    }

    private static bool TryGuidOrNull(JsonElement value, out Guid? id)
    {
        id = null;
        if (value.ValueKind == JsonValueKind.Null)
            return true;
        if (value.ValueKind == JsonValueKind.String && Guid.TryParse(value.GetString(), out var parsed))
        {
            id = parsed;
            return true;
        }
        return false;
    }

    private static bool TryGuids(JsonElement value, out IReadOnlyList<Guid> ids)
    {
        var list = new List<Guid>();
        ids = list;
        if (value.ValueKind != JsonValueKind.Array)
            return false;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || !Guid.TryParse(item.GetString(), out var id))
                return false;
            list.Add(id);
        }
        return list.Count <= 100;
    }
}
