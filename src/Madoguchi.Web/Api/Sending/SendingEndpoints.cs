using System.ComponentModel;
using System.Text.Json;
using Madoguchi.Core.Sending;
using Madoguchi.Web.Authentication;

namespace Madoguchi.Web.Api.Sending;

/// <summary>The body of <c>POST</c> and <c>PATCH …/send-addresses</c>. On PATCH, fields left out stay as they are.</summary>
[Description("Send settings (送信設定) of one From address. On PATCH, fields left out stay as they are.")]
public sealed record SendAddressSettings(
    [property: Description("The From address, e.g. support@example.co.jp.")] string? Address,
    [property: Description("The name shown beside the address.")] string? DisplayName,
    [property: Description("Use this address for replies unless another is chosen (one per inbox).")] bool? IsDefault,
    [property: Description("SMTP host name or IP address.")] string? Host,
    [property: Description("1–65535; defaults to 587 (starttls), 465 (tls) or 25 (none).")] int? Port,
    [property: Description("\"none\", \"starttls\" or \"tls\" (SSL/TLS).")] string? Security,
    [property: Description("Check the server's TLS certificate (default true).")] bool? ValidateCertificate,
    [property: Description("\"plain\", \"login\", \"cram-md5\" or \"none\".")] string? Authentication,
    [property: Description("SMTP user name.")] string? Username,
    [property: Description("SMTP password; stored encrypted and never returned.")] string? Password,
    [property: Description("Send Japanese as ISO-2022-JP (falls back to UTF-8 for characters outside it).")] bool? Iso2022Jp,
    [property: Description("After the SMTP server accepted a message, save a copy (\\Seen) in the mailbox's Sent folder over IMAP APPEND, signed in with the inbox's IMAP receive server (default false).")] bool? CopyToSentFolder = null,
    [property: Description("The Sent folder's name, used when the server marks no folder \\Sent (SPECIAL-USE); empty: Sent, 送信済み, Sent Items, INBOX.Sent ….")] string? SentFolder = null,
    [property: Description("VERP: send with the envelope sender local+m-<token>@domain so bounces find their message; the server must deliver plus addresses to the same mailbox (default false).")] bool? Verp = null)
{
    public SendAddressInput ToInput() => new(Address, DisplayName, IsDefault, Host, Port, Security, ValidateCertificate, Authentication, Username, Password, Iso2022Jp,
        CopyToSentFolder, SentFolder, Verp);
}

/// <summary>The body of <c>POST /tickets/{id}/replies</c>.</summary>
public sealed record ReplyRequest(
    [property: Description("The send address (From); the inbox's default when left out.")] Guid? SendAddressId,
    [property: Description("Recipients; left out or empty: the customer (Reply-To when present, else From of the latest received message).")] IReadOnlyList<string>? To,
    IReadOnlyList<string>? Cc,
    IReadOnlyList<string>? Bcc,
    [property: Description("Defaults to \"Re: \" and the subject of the message replied to.")] string? Subject,
    string? Text,
    string? Html,
    [property: Description("Also send to the other To and Cc addresses of the message replied to.")] bool? ReplyAll,
    [property: Description("Ticket status after sending: \"closed\" (default), \"pending\", \"open\" or \"noAction\".")] string? StatusAfter,
    [property: Description("保留理由 of the ticket's inbox, with statusAfter \"pending\" (implied when statusAfter is left out).")] Guid? PendingReasonId,
    [property: Description("Send even though a recipient hard-bounced before; without it such a reply answers 409 recipient_hard_bounced naming them.")] bool? ConfirmHardBounced,
    [property: Description("Ids of the writer's own uploads (POST /api/v1/uploads) to attach.")] IReadOnlyList<Guid>? AttachmentIds = null,
    [property: Description("The message replied to (its Reply-To/From, its recipients for replyAll, its quote); default: the ticket's latest received message.")] Guid? MessageId = null,
    [property: Description("Quote the original under the text (\"> \" lines after an \"On … wrote:\" / 「… さんは書きました:」 line).")] bool? QuoteOriginal = null,
    [property: Description("Send from this draft of yours (GET …/drafts); it is removed with the send. A reply sent on the ticket since the draft began answers 409 reply_sent_meanwhile naming who and when.")] Guid? DraftId = null,
    [property: Description("Send even though another reply was sent on the ticket since the draft began.")] bool? ConfirmSentMeanwhile = null)
{
    public ReplyInput ToInput() =>
        new(SendAddressId, To, Cc, Bcc, Subject, Text, Html, ReplyAll ?? false, StatusAfter, PendingReasonId, ConfirmHardBounced ?? false, DraftId, ConfirmSentMeanwhile ?? false)
        {
            Compose = new ComposeInput(AttachmentIds, MessageId, QuoteOriginal: QuoteOriginal ?? false),
        };
}

/// <summary>The body of <c>POST /tickets/{id}/forwards</c>.</summary>
public sealed record ForwardRequest(
    [property: Description("The send address (From); the inbox's default when left out.")] Guid? SendAddressId,
    [property: Description("Recipients (required: a forward has no default recipient).")] IReadOnlyList<string>? To,
    IReadOnlyList<string>? Cc,
    IReadOnlyList<string>? Bcc,
    [property: Description("Defaults to \"Fwd: \" and the forwarded message's subject.")] string? Subject,
    [property: Description("Written above the forwarded message (may be empty).")] string? Text,
    [property: Description("The message to forward; default: the ticket's latest received message.")] Guid? MessageId,
    [property: Description("Ids of the forwarded message's attachments to include (as in GET /tickets/{id}); left out: all but inline images; []: none.")] IReadOnlyList<Guid>? OriginalAttachmentIds,
    [property: Description("Ids of the writer's own uploads (POST /api/v1/uploads) to attach as well.")] IReadOnlyList<Guid>? AttachmentIds,
    [property: Description("Ticket status after sending: \"closed\" (default), \"pending\", \"open\" or \"noAction\".")] string? StatusAfter,
    [property: Description("保留理由 of the ticket's inbox, with statusAfter \"pending\".")] Guid? PendingReasonId,
    [property: Description("Send even though a recipient hard-bounced before.")] bool? ConfirmHardBounced)
{
    public ReplyInput ToInput() =>
        new(SendAddressId, To, Cc, Bcc, Subject, Text, null, false, StatusAfter, PendingReasonId, ConfirmHardBounced ?? false)
        {
            Compose = new ComposeInput(AttachmentIds, MessageId, Forward: true, ForwardAttachmentIds: OriginalAttachmentIds),
        };
}

/// <summary>The optional body of <c>POST /messages/{id}/approve</c>.</summary>
public sealed record ApproveRequest(
    [property: Description("Approve even though a recipient hard-bounced before; without it such a reply answers 409 recipient_hard_bounced naming them.")] bool? ConfirmHardBounced);

/// <summary>The body of <c>PATCH /messages/{id}</c>: a reply sent back (差し戻し) edited by its author and submitted again.</summary>
public sealed record ResubmitRequest(
    [property: Description("Recipients; left out: as before.")] IReadOnlyList<string>? To,
    [property: Description("Left out: as before.")] IReadOnlyList<string>? Cc,
    [property: Description("Left out: as before.")] IReadOnlyList<string>? Bcc,
    [property: Description("Left out: as before.")] string? Subject,
    [property: Description("Left out: as before.")] string? Text,
    [property: Description("Left out: as before.")] string? Html,
    [property: Description("Ticket status after sending: \"closed\" (default), \"pending\", \"open\" or \"noAction\".")] string? StatusAfter,
    [property: Description("保留理由 of the ticket's inbox, with statusAfter \"pending\".")] Guid? PendingReasonId,
    [property: Description("Submit even though a recipient hard-bounced before; without it such a reply answers 409 recipient_hard_bounced naming them.")] bool? ConfirmHardBounced);

/// <summary>The body of <c>POST /messages/{id}/reject</c>.</summary>
public sealed record RejectRequest([property: Description("Why the reply goes back (1–1000 characters); added to the ticket as a comment.")] string? Comment);

/// <summary>送信設定 (send addresses) of an inbox for its 管理者 and the account's owners, replies, and the outbox actions
/// (cancel, resend) on sent messages.</summary>
public static class SendingEndpoints
{
    public static void MapSendingEndpoints(this RouteGroupBuilder api)
    {
        var inbox = api.MapGroup("/inboxes/{id:guid}/send-addresses").WithTags("Sending");
        inbox.MapGet("", async (Guid id, ListSendAddressesQuery query, HttpContext context, CancellationToken ct) =>
            (await query.HandleAsync(context.GetActor(), id, ct)).ToHttp(list => new { items = list, total = list.Count }))
            .WithSummary("Send addresses of the inbox (passwords are never returned).");
        inbox.MapPost("", async (Guid id, JsonElement body, CreateSendAddressCommand command, HttpContext context, CancellationToken ct) =>
        {
            if (!TryRead<SendAddressSettings>(body, out var settings, out var problem))
                return problem!;
            var result = await command.HandleAsync(context.GetActor(), id, settings!.ToInput(), ct);
            return result.Succeeded ? TypedResults.Created($"/api/v1/inboxes/{id}/send-addresses/{result.Value!.Id}", result.Value) : ApiResults.Problem(result.Error!);
        }).Accepts<SendAddressSettings>("application/json").Produces<SendAddressView>(StatusCodes.Status201Created).WithSummary("Add a send address.");
        inbox.MapPatch("/{addressId:guid}", async (Guid id, Guid addressId, JsonElement body, UpdateSendAddressCommand command, HttpContext context, CancellationToken ct) =>
            TryRead<SendAddressSettings>(body, out var settings, out var problem)
                ? (await command.HandleAsync(context.GetActor(), id, addressId, settings!.ToInput(), ct)).ToHttp()
                : problem!)
            .Accepts<SendAddressSettings>("application/json").Produces<SendAddressView>().WithSummary("Change send settings; fields left out stay as they are.");
        inbox.MapDelete("/{addressId:guid}", async (Guid id, Guid addressId, DeleteSendAddressCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, addressId, ct)).ToHttp())
            .WithSummary("Remove a send address; mail already sent stays.");
        inbox.MapPost("/{addressId:guid}/test", async (Guid id, Guid addressId, TestSendAddressCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, addressId, ct)).ToHttp(r => new { ok = r.Ok, items = r.Steps, total = r.Steps.Count }))
            .WithSummary("テスト送信: name lookup, TCP, TLS, EHLO, AUTH, then a test mail to the address itself (MAIL FROM, RCPT TO, DATA).");

        api.MapPost("/tickets/{id:guid}/replies", async (Guid id, JsonElement body, QueueReplyCommand command, HttpContext context, CancellationToken ct) =>
        {
            if (!TryRead<ReplyRequest>(body, out var request, out var problem))
                return problem!;
            var result = await command.HandleAsync(context.GetActor(), id, request!.ToInput(), ct);
            return result.Succeeded ? TypedResults.Accepted($"/api/v1/tickets/{id}", result.Value) : ApiResults.Problem(result.Error!);
        }).WithTags("Sending").Accepts<ReplyRequest>("application/json").Produces<SentMessageView>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Reply: queued at once (202, sendState \"queued\"), sent by the outbox; the ticket shows its progress. An assistant's reply waits for approval "
                + "(sendState \"awaitingApproval\"). A recipient that hard-bounced before answers 409 recipient_hard_bounced with its recipients, unless confirmHardBounced is true.");
        api.MapPost("/messages/{id:guid}/approve", async (Guid id, ApproveRequest? body, ApproveReplyCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, body?.ConfirmHardBounced ?? false, ct)).ToHttp())
            .WithTags("Sending").Produces<SentMessageView>().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Approve an assistant's reply waiting for approval (承認待ち; Manager or higher on the inbox): it is queued and sent, and the ticket gets the status its author chose. "
                + "A recipient that hard-bounced before answers 409 recipient_hard_bounced with its recipients, unless the body has confirmHardBounced: true.");
        api.MapPatch("/messages/{id:guid}", async (Guid id, JsonElement body, ResubmitReplyCommand command, HttpContext context, CancellationToken ct) =>
        {
            if (!TryRead<ResubmitRequest>(body, out var request, out var problem))
                return problem!;
            return (await command.HandleAsync(context.GetActor(), id, new ResubmitInput(request!.To, request.Cc, request.Bcc, request.Subject, request.Text, request.Html,
                request.StatusAfter, request.PendingReasonId, request.ConfirmHardBounced ?? false), ct)).ToHttp();
        }).WithTags("Sending").Accepts<ResubmitRequest>("application/json").Produces<SentMessageView>().ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Edit a reply that was sent back (差し戻し) and submit it again; its author only. Fields left out stay as they were. "
                + "An assistant's reply waits for approval again (sendState \"awaitingApproval\"); 409 not_rejected for any other reply.");
        api.MapPost("/tickets/{id:guid}/forwards", async (Guid id, JsonElement body, QueueReplyCommand command, HttpContext context, CancellationToken ct) =>
        {
            if (!TryRead<ForwardRequest>(body, out var request, out var problem))
                return problem!;
            var result = await command.HandleAsync(context.GetActor(), id, request!.ToInput(), ct);
            return result.Succeeded ? TypedResults.Accepted($"/api/v1/tickets/{id}", result.Value) : ApiResults.Problem(result.Error!);
        }).WithTags("Sending").Accepts<ForwardRequest>("application/json").Produces<SentMessageView>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Forward a message of the ticket (転送): subject \"Fwd: …\", the original's header block and text under the text, and its attachments "
                + "(all but inline images, or originalAttachmentIds). Queued and sent like a reply; the forward is a sent message of the ticket.");
        api.MapPost("/messages/{id:guid}/reject", async (Guid id, JsonElement body, RejectReplyCommand command, HttpContext context, CancellationToken ct) =>
            TryRead<RejectRequest>(body, out var request, out var problem)
                ? (await command.HandleAsync(context.GetActor(), id, request!.Comment, ct)).ToHttp()
                : problem!)
            .WithTags("Sending").Accepts<RejectRequest>("application/json").Produces<SentMessageView>()
            .WithSummary("Send an assistant's reply back (差し戻し; Manager or higher): it is not sent (sendState \"rejected\"), the comment is added to the ticket and its author is notified.");
        api.MapPost("/messages/{id:guid}/cancel", async (Guid id, CancelSendCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, ct)).ToHttp())
            .WithTags("Sending").Produces<SentMessageView>().WithSummary("Cancel a message that waits to be sent (送信待ち).");
        api.MapPost("/messages/{id:guid}/resend", async (Guid id, ResendCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, ct)).ToHttp())
            .WithTags("Sending").Produces<SentMessageView>().WithSummary("Resend a failed message (送信エラー), e.g. after fixing the send settings.");
    }

    internal static bool TryRead<T>(JsonElement body, out T? value, out IResult? problem)
    {
        value = default;
        problem = null;
        if (body.ValueKind != JsonValueKind.Object)
        {
            problem = ApiResults.Invalid("body_invalid", "Send a JSON object.");
            return false;
        }
        try
        {
            value = body.Deserialize<T>(new JsonSerializerOptions(JsonSerializerDefaults.Web));
            return value is not null;
        }
        catch (JsonException e)
        {
            problem = ApiResults.Invalid("body_invalid", $"A field has the wrong type{(e.Path is null ? "" : $" ({e.Path})")}.");
            return false;
        }
    }
}
