using System.ComponentModel;
using System.Text.Json;
using Madoguchi.Core.Sending;
using Madoguchi.Core.Sending.Compose;
using Madoguchi.Web.Authentication;

namespace Madoguchi.Web.Api.Sending;

/// <summary>The body of <c>POST /inboxes/{id}/messages</c>.</summary>
public sealed record NewMailRequest(
    [property: Description("The send address (From); the inbox's default when left out.")] Guid? SendAddressId,
    [property: Description("Recipients (at least one), e.g. \"お客様 <customer@example.jp>\".")] IReadOnlyList<string>? To,
    IReadOnlyList<string>? Cc,
    IReadOnlyList<string>? Bcc,
    [property: Description("The subject (required, one line); also the new ticket's subject.")] string? Subject,
    [property: Description("The text, signature included: compose inserts it (GET …/signatures).")] string? Text,
    string? Html,
    [property: Description("The new ticket's status after sending: \"closed\" (default), \"pending\", \"open\" or \"noAction\".")] string? StatusAfter,
    [property: Description("保留理由 of the inbox, with statusAfter \"pending\".")] Guid? PendingReasonId,
    [property: Description("Send even though a recipient hard-bounced before; without it the mail answers 409 recipient_hard_bounced naming them.")] bool? ConfirmHardBounced,
    [property: Description("Ids of the writer's own uploads (POST /api/v1/uploads) to attach; the same limits as a reply's.")] IReadOnlyList<Guid>? AttachmentIds = null);

/// <summary>The body of <c>PUT …/signature</c>.</summary>
public sealed record SignatureRequest([property: Description("The signature (at most 4,000 characters); empty or null removes it.")] string? Text);

/// <summary>Compose: a new mail from an inbox (creates its ticket), signatures (shared per From address, personal per
/// user) and suggestions of past correspondents for To/Cc/Bcc.</summary>
public static class ComposeEndpoints
{
    public static void MapComposeEndpoints(this RouteGroupBuilder api)
    {
        var inbox = api.MapGroup("/inboxes/{id:guid}").WithTags("Sending");
        inbox.MapPost("/messages", async (Guid id, JsonElement body, QueueNewMailCommand command, HttpContext context, CancellationToken ct) =>
        {
            if (!SendingEndpoints.TryRead<NewMailRequest>(body, out var request, out var problem))
                return problem!;
            var result = await command.HandleAsync(context.GetActor(), id,
                new NewMailInput(request!.SendAddressId, request.To, request.Cc, request.Bcc, request.Subject, request.Text, request.Html, request.StatusAfter,
                    request.PendingReasonId, request.ConfirmHardBounced ?? false, request.AttachmentIds), ct);
            return result.Succeeded ? TypedResults.Accepted($"/api/v1/tickets/{result.Value!.TicketId}", result.Value) : ApiResults.Problem(result.Error!);
        }).Accepts<NewMailRequest>("application/json").Produces<SentMessageView>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status409Conflict)
            .WithSummary("新規メール: a new mail from the inbox. Opens a ticket whose first message is this mail (202, ticketId in the answer, sendState \"queued\"); "
                + "the outbox sends it and the customer's answer threads into that ticket. Same roles and checks as a reply: an assistant's mail waits for approval.");
        inbox.MapGet("/contacts", async (Guid id, string? q, int? limit, ListContactsQuery query, HttpContext context, CancellationToken ct) =>
            (await query.HandleAsync(context.GetActor(), id, q, limit, ct)).ToHttp(list => new { items = list, total = list.Count }))
            .WithSummary("Suggestions for To/Cc/Bcc: addresses and names seen in this inbox's mail whose address or name starts with q (newest first, at most limit, default 10).");
        inbox.MapGet("/signatures", async (Guid id, GetSignaturesQuery query, HttpContext context, CancellationToken ct) =>
            (await query.HandleAsync(context.GetActor(), id, ct)).ToHttp(v => new { personal = v.Personal, items = v.Items, total = v.Items.Count }))
            .WithSummary("Signatures compose offers in this inbox: your personal one and each From address's shared one, with the default per address "
                + "(\"personal\" when you have one, else \"shared\", else \"none\").");
        inbox.MapPut("/send-addresses/{addressId:guid}/signature", async (Guid id, Guid addressId, JsonElement body, SetSharedSignatureCommand command, HttpContext context, CancellationToken ct) =>
            SendingEndpoints.TryRead<SignatureRequest>(body, out var request, out var problem)
                ? (await command.HandleAsync(context.GetActor(), id, addressId, request!.Text, ct)).ToHttp()
                : problem!)
            .Accepts<SignatureRequest>("application/json").Produces<SharedSignatureView>()
            .WithSummary("Set (or with empty text remove) the shared signature of a From address: Manager or higher on the inbox.");

        var me = api.MapGroup("/me/signature").WithTags("Me");
        me.MapGet("", async (GetPersonalSignatureQuery query, HttpContext context, CancellationToken ct) =>
            (await query.HandleAsync(context.GetActor(), ct)).ToHttp())
            .Produces<PersonalSignatureView>().WithSummary("Your personal signature (used in every inbox; empty when none).");
        me.MapPut("", async (JsonElement body, SetPersonalSignatureCommand command, HttpContext context, CancellationToken ct) =>
            SendingEndpoints.TryRead<SignatureRequest>(body, out var request, out var problem)
                ? (await command.HandleAsync(context.GetActor(), request!.Text, ct)).ToHttp()
                : problem!)
            .Accepts<SignatureRequest>("application/json").Produces<PersonalSignatureView>()
            .WithSummary("Set (or with empty text remove) your personal signature; when you have one it is the default in compose.");
    }
}
