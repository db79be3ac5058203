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
    [property: Description("Send Japanese as ISO-2022-JP (falls back to UTF-8 for characters outside it).")] bool? Iso2022Jp)
{
    public SendAddressInput ToInput() => new(Address, DisplayName, IsDefault, Host, Port, Security, ValidateCertificate, Authentication, Username, Password, Iso2022Jp);
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
    [property: Description("Send even though a recipient hard-bounced before; without it such a reply answers 409 recipient_hard_bounced naming them.")] bool? ConfirmHardBounced);

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
            var result = await command.HandleAsync(context.GetActor(), id,
                new ReplyInput(request!.SendAddressId, request.To, request.Cc, request.Bcc, request.Subject, request.Text, request.Html, request.ReplyAll ?? false, request.StatusAfter,
                    request.PendingReasonId, request.ConfirmHardBounced ?? false), ct);
            return result.Succeeded ? TypedResults.Accepted($"/api/v1/tickets/{id}", result.Value) : ApiResults.Problem(result.Error!);
        }).WithTags("Sending").Accepts<ReplyRequest>("application/json").Produces<SentMessageView>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("Reply: queued at once (202, sendState \"queued\"), sent by the outbox; the ticket shows its progress. An assistant's reply waits for approval "
                + "(sendState \"awaitingApproval\"). A recipient that hard-bounced before answers 409 recipient_hard_bounced with its recipients, unless confirmHardBounced is true.");
        api.MapPost("/messages/{id:guid}/approve", async (Guid id, ApproveReplyCommand command, HttpContext context, CancellationToken ct) =>
            (await command.HandleAsync(context.GetActor(), id, ct)).ToHttp())
            .WithTags("Sending").Produces<SentMessageView>()
            .WithSummary("Approve an assistant's reply waiting for approval (承認待ち; Manager or higher on the inbox): it is queued and sent, and the ticket gets the status its author chose.");
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
