using System.Text.Json;
using Madoguchi.Core.Accounts;
using Madoguchi.Core.Bounces;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Receiving.Parsing;
using Madoguchi.Core.Receiving.Pipeline;
using Madoguchi.Core.Search;
using Madoguchi.Core.Storage;
using Madoguchi.Core.Tickets;
using Madoguchi.Core.Tickets.Live;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Madoguchi.Core.Sending;

/// <summary>A reply as a client sends it. Empty <see cref="To"/> means "to the customer": the Reply-To of the latest
/// received message when it has one, else its From. <see cref="PendingReasonId"/> goes with the status 保留 (pending;
/// implied when no status is given). <see cref="ConfirmHardBounced"/>: send even though a recipient hard-bounced before.
/// <see cref="DraftId"/>: the reply is sent from this draft (removed in the same transaction); a reply sent on the ticket
/// since the draft began refuses it with 409 <c>reply_sent_meanwhile</c> unless <see cref="ConfirmSentMeanwhile"/>.</summary>
public sealed record ReplyInput(
    Guid? SendAddressId,
    IReadOnlyList<string>? To,
    IReadOnlyList<string>? Cc,
    IReadOnlyList<string>? Bcc,
    string? Subject,
    string? Text,
    string? Html,
    bool ReplyAll,
    string? StatusAfter,
    Guid? PendingReasonId = null,
    bool ConfirmHardBounced = false,
    Guid? DraftId = null,
    bool ConfirmSentMeanwhile = false)
{
    // Attachments, forward and quoting (issue 8 §2): see ComposeInput.
    public ComposeInput Compose { get; init; } = ComposeInput.None;
}

/// <summary>What a reply or forward carries besides its text. <see cref="AttachmentIds"/>: the writer's uploads
/// (<c>POST /api/v1/uploads</c>). <see cref="MessageId"/>: the message replied to or forwarded (default: the ticket's latest
/// received message). <see cref="Forward"/>: a forward (subject "Fwd:", the original's header block and text under the
/// text, its attachments: all but inline images, or those in <see cref="ForwardAttachmentIds"/>; To has no default).
/// <see cref="QuoteOriginal"/>: a reply quotes the original ("&gt; ") under an "On … wrote:" line.</summary>
public sealed record ComposeInput(IReadOnlyList<Guid>? AttachmentIds = null, Guid? MessageId = null, bool Forward = false,
    IReadOnlyList<Guid>? ForwardAttachmentIds = null, bool QuoteOriginal = false)
{
    public static ComposeInput None { get; } = new();
}

/// <summary>A sent message as the API answers it right after queueing. <see cref="HardBouncedRecipients"/> lists the
/// recipients that hard-bounced before (sent anyway because the client confirmed); null when none did.</summary>
public sealed record SentMessageView(Guid Id, Guid TicketId, string Direction, string MessageId, string Subject, AddressView From,
    IReadOnlyList<AddressView> To, IReadOnlyList<AddressView> Cc, string SendState, SendErrorView? SendError, DateTime? NextAttemptAt, long Size,
    IReadOnlyList<HardBounceFlag>? HardBouncedRecipients = null);

/// <summary>Writes a reply into the outbox: builds the MIME message (threading headers, a Message-ID on the From address's
/// domain), stores its exact bytes as a blob (durable before the row), then in one transaction the ticket's new
/// <see cref="MessageDirection.Sent"/> message, its outbox row, the ticket's status (with its 保留理由) and the account's
/// storage use. The outbox worker sends it; nothing is sent here.
/// <para>An アシスタント's reply is not queued but 承認待ち (<see cref="SendState.AwaitingApproval"/>): the ticket keeps its
/// status until a マネージャー approves it (<see cref="ApproveReplyCommand"/>) or sends it back (<see cref="RejectReplyCommand"/>).</para>
/// <para>A recipient that hard-bounced before (<see cref="IsHardBouncedQuery"/>) refuses the reply with 409
/// <c>recipient_hard_bounced</c> naming them, unless the client confirms.</para></summary>
public sealed class QueueReplyCommand(MadoguchiDbContext db, SearchIndexWriter search, IBlobStore blobs, PendingStorageUsage usage, SendTrigger trigger, ITicketChangeFeed feed,
    TicketEditor editor, IsHardBouncedQuery hardBounces, IOptions<SendingOptions> options, TimeProvider time, Compose.ReplyAttachments attachments)
{
    public const string HardBouncedCode = "recipient_hard_bounced";

    public async Task<Result<SentMessageView>> HandleAsync(Actor actor, Guid ticketId, ReplyInput input, CancellationToken ct)
    {
        var me = await db.RequireActiveUserAsync(actor, ct);
        if (!me.Succeeded)
            return me.Error!;
        var access = await db.RequireTicketAsync(actor, ticketId, InboxRole.Assistant, track: true, ct);
        if (!access.Succeeded)
            return access.Error!;
        var (ticket, role) = access.Value;
        // Drafts (下書き): only the author sends from theirs; a reply sent since it began asks for confirmation.
        Drafts.ReplyDraft? draft = null;
        if (input.DraftId is { } draftId)
        {
            draft = await db.ReplyDrafts.AsNoTracking().SingleOrDefaultAsync(d => d.Id == draftId && d.TicketId == ticket.Id, ct);
            if (draft is null)
                return Drafts.DraftRules.NotFound();
            if (draft.AuthorUserId != me.Value!.Id)
                return Drafts.DraftRules.NotYours();
            if (!input.ConfirmSentMeanwhile && await Drafts.SentMeanwhile.FindAsync(db, ticket.Id, draft.StartedAt, ct) is { Count: > 0 } meanwhile)
                return Drafts.SentMeanwhile.Conflict(meanwhile);
        }
        var needsApproval = role < InboxRole.Operator;
        var sendAddresses = db.SendAddresses.AsNoTracking().Where(a => a.InboxId == ticket.InboxId);
        var chosenFrom = OutgoingChecks.ChooseFrom(await sendAddresses.ToListAsync(ct), input.SendAddressId);
        if (!chosenFrom.Succeeded)
            return chosenFrom.Error!;
        var from = chosenFrom.Value!;
        var statusAfter = await ReplyStatus.ReadAsync(db, ticket.InboxId, input.StatusAfter, input.PendingReasonId, ct);
        if (!statusAfter.Succeeded)
            return statusAfter.Error!;
        var (status, reasonId) = statusAfter.Value;
        var compose = input.Compose;
        if (!compose.Forward && string.IsNullOrWhiteSpace(input.Text) && string.IsNullOrWhiteSpace(input.Html))
            return new Error(ErrorKind.Invalid, "text_required", "Write the reply's text.");

        var messages = await db.TicketMessages.AsNoTracking().Where(m => m.TicketId == ticket.Id)
            .OrderBy(m => m.Date).ThenBy(m => m.Id).ToListAsync(ct);
        var original = messages.LastOrDefault(m => m.Direction == MessageDirection.Received) ?? messages.LastOrDefault();
        if (compose.MessageId is { } repliedTo && (original = messages.SingleOrDefault(m => m.Id == repliedTo)) is null)
            return Error.NotFound("The message");

        var parsed = OutgoingChecks.ParseAll(input.To, input.Cc, input.Bcc);
        if (!parsed.Succeeded)
            return parsed.Error!;
        var (to, cc, bcc) = parsed.Value;
        if (to.Count == 0 && original is not null && !compose.Forward)
        {
            var replyTo = AddressView.FromJson(original.ReplyToJson);
            to = [.. (replyTo.Count > 0 ? replyTo : AddressView.FromJson(original.FromJson)).Select(a => new MailboxAddress(a.Name, a.Address))];
        }
        if (input.ReplyAll && original is not null && !compose.Forward)
        {
            var ours = (await sendAddresses.Select(a => a.Address).ToListAsync(ct)).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var already = to.Concat(cc).Select(a => a.Address).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var a in AddressView.FromJson(original.ToJson).Concat(AddressView.FromJson(original.CcJson)))
                if (!ours.Contains(a.Address) && already.Add(a.Address))
                    cc.Add(new MailboxAddress(a.Name, a.Address));
        }
        var checkedRecipients = await OutgoingChecks.CheckRecipientsAsync(hardBounces, ticket.AccountId, to, cc, bcc, options.Value, input.ConfirmHardBounced, ct);
        if (!checkedRecipients.Succeeded)
            return checkedRecipients.Error!;
        var hardBounced = checkedRecipients.Value!;

        var files = await attachments.LoadAsync(ticket.AccountId, me.Value!.Id, compose.AttachmentIds, compose.Forward ? original : null, compose.ForwardAttachmentIds, ct);
        if (!files.Succeeded)
            return files.Error!;

        var now = time.GetUtcNow().UtcDateTime;
        var subject = input.Subject is { Length: > 0 } s ? s.Trim()
            : original is null ? ticket.Subject
            : compose.Forward ? Compose.QuotedOriginal.ForwardSubject(original.Subject)
            : original.Subject.StartsWith("Re:", StringComparison.OrdinalIgnoreCase) ? original.Subject : "Re: " + original.Subject;
        var text = input.Text;
        var html = input.Html;
        if (original is not null && (compose.Forward || compose.QuoteOriginal))
        {
            var zone = Accounts.TimeZones.Find(me.Value.TimeZone
                ?? await db.Accounts.AsNoTracking().Where(a => a.Id == ticket.AccountId).Select(a => a.TimeZone).SingleAsync(ct));
            text = compose.Forward ? Compose.QuotedOriginal.Forward(text, original, zone) : Compose.QuotedOriginal.Reply(text, original, zone);
            // A reply written with HTML quotes in its HTML too: that is the part most readers show.
            if (html is not null)
                html = compose.Forward ? Compose.QuotedOriginal.ForwardHtml(html, original, zone) : Compose.QuotedOriginal.ReplyHtml(html, original, zone);
        }
        var mail = new OutgoingRows(from, to, cc, bcc, subject, text, html, OutgoingRows.NewMessageId(from), original);
        var stored = await mail.StoreAsync(blobs, options.Value, time.GetUtcNow(), [.. files.Value!.Select(f => f.Part)], ct);
        if (!stored.Succeeded)
            return stored.Error!;
        var blob = stored.Value!;
        var sent = mail.Message(ticket, blob, now);
        var outgoing = mail.Outbox(sent, blob, now, me.Value.Id, needsApproval, status, reasonId);
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            // Claim the ticket (version up in SQL, row held) and read it again: a change made since it was loaded stays.
            if (!await TicketVersions.ClaimAsync(db, ticket.Id, expected: null, ct))
                return Error.NotFound("The ticket");
            await db.Entry(ticket).ReloadAsync(ct);
            var attached = await attachments.AttachAsync(sent, files.Value!, ct);
            if (!attached.Succeeded)
                return attached.Error!;
            db.TicketMessages.Add(sent);
            db.OutgoingMessages.Add(outgoing);
            if (draft is not null)
                await db.ReplyDrafts.Where(d => d.Id == draft.Id).ExecuteDeleteAsync(ct);
            // Our own replies are found by search too, at once (the postings follow in the background).
            await search.WriteAsync(sent, [], mayExist: false, ct);
            ticket.MessageCount++;
            ticket.LastMessageAt = now;
            if (!needsApproval)
            {
                var applied = await editor.ApplyAsync(actor, me.Value, ticket, role, ReplyStatus.Edit(status, reasonId), ct);
                if (!applied.Succeeded)
                    return applied.Error!;
            }
            ticket.StampRetention(now);
            usage.Count(ticket.AccountId, blob.Hash, blob.Size);
            await usage.FlushAsync(ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        if (!needsApproval)
            trigger.SendSoon();
        await feed.PublishAsync(new TicketChange(ticket.AccountId, ticket.InboxId, ticket.Id, TicketChangeKind.MessageAdded), ct);
        if (draft is not null)
            await Drafts.DraftRules.PublishAsync(feed, draft, ct);
        return OutboxViews.Sent(sent, outgoing) with { HardBouncedRecipients = hardBounced.Count > 0 ? hardBounced : null };
    }

    /// <summary>409 naming each recipient that hard-bounced before, with its last status and reason.</summary>
    public static Error HardBounced(IReadOnlyList<HardBounceFlag> flagged) =>
        new(ErrorKind.Conflict, HardBouncedCode,
            $"Mail to {string.Join(", ", flagged.Select(f => f.Address))} bounced permanently before. Check the address, or send with confirmHardBounced: true. / "
            + $"{string.Join("、", flagged.Select(f => f.Address))} は以前に配信できず戻ってきたアドレスです。宛先を確認するか、確認のうえ送信してください。")
        {
            Extensions = new Dictionary<string, object?> { ["recipients"] = flagged },
        };
}
