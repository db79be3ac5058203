using Madoguchi.Core.Common;
using Madoguchi.Core.Storage;
using Madoguchi.Core.Tickets;
using Madoguchi.Web.Authentication;
using Microsoft.Net.Http.Headers;

namespace Madoguchi.Web.Api.Tickets;

/// <summary>Reading tickets: lists per inbox/status/place, a ticket with its messages (HTML sanitized, remote images
/// blocked unless <c>?images=allow</c>), the original .eml, attachments and inline parts; and the minimal PATCH the
/// reading screens need (status, place). Tickets of other accounts or invisible inboxes answer 404.</summary>
public static class TicketEndpoints
{
    // Shown inline (for cid: images) only when the browser cannot run anything in them; SVG is not among them.
    private static readonly HashSet<string> InlineImageTypes = new(StringComparer.OrdinalIgnoreCase)
        { "image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp" };

    public static void MapTicketEndpoints(this RouteGroupBuilder api)
    {
        var tickets = api.MapGroup("/tickets").WithTags("Tickets");
        tickets.MapGet("", async (Guid? inbox, string? status, string? place, string? assignee, Guid? label, string? pendingReason, string? sort,
            int? offset, int? limit, ListTicketsQuery query, HttpContext context, CancellationToken ct) =>
        {
            if (!ApiResults.TryPage(offset, limit, out var page, out var problem))
                return problem!;
            if (!TryParse<TicketStatus>(status, out var s))
                return ApiResults.Invalid("invalid_status", "status must be open, pending, closed or noAction.");
            if (!TryParse<TicketPlace>(place, out var p))
                return ApiResults.Invalid("invalid_place", "place must be inbox, trash or spam.");
            if (!TryParse<TicketSort>(sort, out var order))
                return ApiResults.Invalid("invalid_sort", "sort must be lastMessage, oldest or created.");
            var actor = context.GetActor();
            var request = new TicketListRequest(inbox, s, p ?? TicketPlace.Inbox, page) { LabelId = label, Sort = order ?? TicketSort.LastMessage };
            switch (assignee)
            {
                case null or "":
                    break;
                case "me":
                    request = request with { AssigneeId = actor.Id };
                    break;
                case "none":
                    request = request with { Unassigned = true };
                    break;
                default:
                    if (!Guid.TryParse(assignee, out var person))
                        return ApiResults.Invalid("invalid_assignee", "assignee must be me, none or a user id.");
                    request = request with { AssigneeId = person };
                    break;
            }
            if (pendingReason == "none")
                request = request with { WithoutPendingReason = true };
            else if (!string.IsNullOrEmpty(pendingReason))
            {
                if (!Guid.TryParse(pendingReason, out var reason))
                    return ApiResults.Invalid("invalid_pending_reason", "pendingReason must be none or a pending reason id.");
                request = request with { PendingReasonId = reason };
            }
            return (await query.HandleAsync(actor, request, ct)).ToHttp();
        }).WithSummary("Tickets of the inboxes you can see; place defaults to inbox. Filters: status, assignee (me, none or a user id), label, pendingReason (none or an id); sort: lastMessage (default, newest first), oldest, created.");

        tickets.MapGet("/{id:guid}", async (Guid id, string? images, GetTicketQuery query, HttpContext context, CancellationToken ct) =>
        {
            var result = await query.HandleAsync(context.GetActor(), id, string.Equals(images, "allow", StringComparison.OrdinalIgnoreCase), ApiTicketUrls.Instance, ct);
            if (result.Succeeded)
                context.Response.Headers.ETag = TicketTeamEndpoints.ETag(result.Value!.Version);
            return result.ToHttp();
        }).WithSummary("A ticket with its messages, assignee, labels, pending reason and version (also the ETag); HTML is sanitized and remote images blocked unless ?images=allow.");

        var messages = api.MapGroup("/messages").WithTags("Tickets");
        messages.MapGet("/{id:guid}/raw", async (Guid id, GetMessageOriginalQuery query, IBlobStore blobs, HttpContext context, CancellationToken ct) =>
        {
            var result = await query.HandleAsync(context.GetActor(), id, ct);
            // The original is checked in full (size and SHA-256) before it is sent: a damaged file is never handed out as the mail.
            return result.Succeeded ? await DownloadAsync(context, blobs, result.Value!, "message/rfc822", inline: false, verifyContent: true, ct) : ApiResults.Problem(result.Error!);
        }).WithSummary("The original message exactly as fetched (.eml); 409 original_damaged when its stored file is missing or damaged.");

        messages.MapGet("/{id:guid}/attachments/{attachmentId:guid}", async (Guid id, Guid attachmentId, string? disposition, GetAttachmentQuery query, IBlobStore blobs, HttpContext context, CancellationToken ct) =>
        {
            var result = await query.HandleAsync(context.GetActor(), id, attachmentId, ct);
            if (!result.Succeeded)
                return ApiResults.Problem(result.Error!);
            var file = result.Value!;
            var inline = string.Equals(disposition, "inline", StringComparison.OrdinalIgnoreCase) && InlineImageTypes.Contains(file.ContentType);
            return await DownloadAsync(context, blobs, file, SafeContentType(file.ContentType), inline, verifyContent: false, ct);
        }).WithSummary("An attachment, with its decoded file name; ?disposition=inline shows plain images in place (cid: parts).");
    }

    private static async Task<IResult> DownloadAsync(HttpContext context, IBlobStore blobs, MessageFile file, string contentType, bool inline, bool verifyContent, CancellationToken ct)
    {
        var condition = await blobs.CheckAsync(file.BlobHash, file.Size, verifyContent, ct);
        if (condition != BlobCondition.Intact)
            return ApiResults.Problem(new Error(ErrorKind.Conflict, "original_damaged", DamagedBlobException.Describe(condition)));
        Stream stream;
        try
        {
            stream = blobs.OpenRead(file.BlobHash);
        }
        catch (FileNotFoundException)
        {
            return ApiResults.Problem(new Error(ErrorKind.Conflict, "original_damaged", DamagedBlobException.Describe(BlobCondition.Missing)));
        }
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = "default-src 'none'; img-src 'self'; sandbox";
        var disposition = new ContentDispositionHeaderValue(inline ? "inline" : "attachment");
        disposition.SetHttpFileName(file.FileName);
        headers.ContentDisposition = disposition.ToString();
        return TypedResults.Stream(stream, contentType);
    }

    /// <summary>The sender's content type when it is a well-formed media type, else application/octet-stream.</summary>
    private static string SafeContentType(string contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed) && parsed.MediaType.HasValue && !parsed.MediaType.Value!.Contains('*', StringComparison.Ordinal)
            ? parsed.MediaType.Value
            : "application/octet-stream";

    private static bool TryParse<TEnum>(string? text, out TEnum? value) where TEnum : struct, Enum
    {
        value = null;
        if (string.IsNullOrEmpty(text))
            return true;
        if (text.Any(char.IsDigit) || !Enum.TryParse<TEnum>(text, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            return false;
        value = parsed;
        return true;
    }
}

/// <summary>The API's routes for a message's parts.</summary>
public sealed class ApiTicketUrls : ITicketUrls
{
    public static ApiTicketUrls Instance { get; } = new();

    public string Attachment(Guid messageId, Guid attachmentId) => $"/api/v1/messages/{messageId}/attachments/{attachmentId}";

    public string Inline(Guid messageId, Guid attachmentId) => $"/api/v1/messages/{messageId}/attachments/{attachmentId}?disposition=inline";

    public string Raw(Guid messageId) => $"/api/v1/messages/{messageId}/raw";
}
