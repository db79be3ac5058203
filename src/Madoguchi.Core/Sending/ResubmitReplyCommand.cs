using System.Text.Json;
using Madoguchi.Core.Accounts;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Bounces;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Receiving.Parsing;
using Madoguchi.Core.Search;
using Madoguchi.Core.Storage;
using Madoguchi.Core.Tickets;
using Madoguchi.Core.Tickets.Live;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Madoguchi.Core.Sending;

/// <summary>What the author changes in a reply sent back to them (差し戻し). Fields left out (null) stay as they were;
/// <see cref="StatusAfter"/> left out means 対応完了 (closed), as for a new reply.</summary>
public sealed record ResubmitInput(
    IReadOnlyList<string>? To,
    IReadOnlyList<string>? Cc,
    IReadOnlyList<string>? Bcc,
    string? Subject,
    string? Text,
    string? Html,
    string? StatusAfter,
    Guid? PendingReasonId = null,
    bool ConfirmHardBounced = false);

/// <summary>書き直して再提出: the author of a reply a マネージャー sent back (差し戻し, <see cref="SendState.Rejected"/>) edits
/// its text and recipients and submits it again. The message keeps its place on the ticket and its Message-ID (it was
/// never sent); its MIME is built again and stored as a new blob. An アシスタント's reply is 承認待ち again; an author
/// whose role has since risen to オペレータ or higher sends it (queued, and the ticket gets the chosen status). Only the
/// author may do this, and only while the reply is 差し戻し: the state change is one atomic UPDATE.
/// The limits and the hard-bounce warning of <see cref="QueueReplyCommand"/> apply. Like 承認 and 差し戻し it leaves an audit
/// entry and a line in the ticket's history (差し戻し → 承認待ち or 送信待ち).</summary>
public sealed class ResubmitReplyCommand(MadoguchiDbContext db, AuditTrail audit, SearchIndexWriter search, IBlobStore blobs, PendingStorageUsage usage, SendTrigger trigger,
    ITicketChangeFeed feed, TicketEditor editor, IsHardBouncedQuery hardBounces, Compose.ReplyAttachments attachments, IOptions<SendingOptions> options,
    TimeProvider time)
{
    public async Task<Result<SentMessageView>> HandleAsync(Actor actor, Guid messageId, ResubmitInput input, CancellationToken ct)
    {
        var me = await db.RequireActiveUserAsync(actor, ct);
        if (!me.Succeeded)
            return me.Error!;
        var found = await OutboxAccess.RequireAsync(db, actor, messageId, InboxRole.Assistant, ct);
        if (!found.Succeeded)
            return found.Error!;
        var outgoing = await db.OutgoingMessages.AsNoTracking().SingleAsync(o => o.TicketMessageId == messageId, ct);
        if (outgoing.State != SendState.Rejected)
            return NotRejected();
        if (outgoing.AuthorUserId != me.Value!.Id)
            return new Error(ErrorKind.Forbidden, "not_reply_author", "Only the author of a reply that was sent back (差し戻し) can edit and submit it again.");
        var access = await db.RequireTicketAsync(actor, found.Value!.TicketId, InboxRole.Assistant, track: true, ct);
        if (!access.Succeeded)
            return access.Error!;
        var (ticket, role) = access.Value;
        var needsApproval = role < InboxRole.Operator;
        var from = await db.SendAddresses.AsNoTracking().SingleOrDefaultAsync(a => a.Id == outgoing.SendAddressId && a.InboxId == ticket.InboxId, ct);
        if (from is null)
            return new Error(ErrorKind.Invalid, "no_send_address", "The reply's send address was removed: add one in 送信設定 (send settings) first.");
        var statusAfter = await ReplyStatus.ReadAsync(db, ticket.InboxId, input.StatusAfter, input.PendingReasonId, ct);
        if (!statusAfter.Succeeded)
            return statusAfter.Error!;
        var (status, reasonId) = statusAfter.Value;

        var sent = await db.TicketMessages.SingleAsync(m => m.Id == messageId, ct);
        var text = input.Text ?? sent.Text;
        var html = input.Html ?? sent.Html;
        if (string.IsNullOrWhiteSpace(text) && string.IsNullOrWhiteSpace(html))
            return new Error(ErrorKind.Invalid, "text_required", "Write the reply's text.");
        var oldTo = AddressView.FromJson(sent.ToJson);
        var oldCc = AddressView.FromJson(sent.CcJson);
        var shown = oldTo.Concat(oldCc).Select(a => a.Address).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var oldBcc = outgoing.Recipients.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(a => !shown.Contains(a)).ToList();
        var parsed = OutgoingChecks.ParseAll(input.To ?? [.. oldTo.Select(Format)], input.Cc ?? [.. oldCc.Select(Format)], input.Bcc ?? oldBcc);
        if (!parsed.Succeeded)
            return parsed.Error!;
        var (to, cc, bcc) = parsed.Value;
        var checkedRecipients = await OutgoingChecks.CheckRecipientsAsync(hardBounces, ticket.AccountId, to, cc, bcc, options.Value, input.ConfirmHardBounced, ct);
        if (!checkedRecipients.Succeeded)
            return checkedRecipients.Error!;
        var hardBounced = checkedRecipients.Value!;

        var subject = input.Subject is { Length: > 0 } s ? s.Trim() : sent.Subject;
        var original = sent.InReplyTo is { } inReplyTo
            ? await db.TicketMessages.AsNoTracking().FirstOrDefaultAsync(m => m.TicketId == ticket.Id && m.MessageIdHeader == inReplyTo, ct)
            : null;
        var now = time.GetUtcNow().UtcDateTime;
        // The reply keeps its attachments (their rows and files stay; the new MIME carries them again).
        var attachmentIds = await db.TicketAttachments.AsNoTracking().Where(a => a.TicketMessageId == messageId).Select(a => a.Id).ToListAsync(ct);
        var files = await attachments.LoadAsync(ticket.AccountId, me.Value.Id, null, sent, attachmentIds, ct);
        if (!files.Succeeded)
            return files.Error!;
        // Same Message-ID: the reply was never sent. The MIME (date, body, recipients) is written again.
        var mail = new OutgoingRows(from, to, cc, bcc, subject, text, html, sent.MessageIdHeader, original);
        var stored = await mail.StoreAsync(blobs, options.Value, time.GetUtcNow(), [.. files.Value!.Select(f => f.Part)], ct);
        if (!stored.Succeeded)
            return stored.Error!;
        var blob = stored.Value!;

        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            var state = needsApproval ? SendState.AwaitingApproval : SendState.Queued;
            var recipients = mail.Recipients;
            var changed = await db.OutgoingMessages.Where(o => o.TicketMessageId == messageId && o.State == SendState.Rejected && o.AuthorUserId == me.Value.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(o => o.State, state).SetProperty(o => o.Recipients, recipients)
                    .SetProperty(o => o.BlobHash, blob.Hash).SetProperty(o => o.Size, blob.Size)
                    .SetProperty(o => o.QueuedAt, now).SetProperty(o => o.NextAttemptAt, now)
                    .SetProperty(o => o.ErrorCode, (string?)null).SetProperty(o => o.ServerReply, (string?)null)
                    .SetProperty(o => o.StatusAfter, needsApproval ? status : null).SetProperty(o => o.PendingReasonIdAfter, needsApproval ? reasonId : null), ct);
            if (changed != 1)
                return NotRejected();
            // Claim the ticket (version up in SQL, row held) and read it again: a change made since it was loaded stays.
            if (!await TicketVersions.ClaimAsync(db, ticket.Id, expected: null, ct))
                return Error.NotFound("The ticket");
            await db.Entry(ticket).ReloadAsync(ct);
            sent.Subject = subject.Length <= 1000 ? subject : subject[..1000];
            sent.ToJson = OutgoingChecks.Json(to);
            sent.CcJson = OutgoingChecks.Json(cc);
            sent.Text = text;
            sent.Html = html;
            sent.Date = now;
            sent.Size = blob.Size;
            await search.WriteAsync(sent, [], mayExist: true, ct);
            if (!needsApproval)
            {
                var applied = await editor.ApplyAsync(actor, me.Value, ticket, role, ReplyStatus.Edit(status, reasonId), ct);
                if (!applied.Succeeded)
                    return applied.Error!;
            }
            audit.Record(AuditAction.ReplyResubmitted, ticket.AccountId, actor, detail: ReplyReview.Detail(ticket, sent));
            ReplyReview.History(db, ticket, me.Value, now, SendState.Rejected, state);
            if (blob.Hash != outgoing.BlobHash)
            {
                usage.Release(ticket.AccountId, outgoing.BlobHash, outgoing.Size);
                usage.Count(ticket.AccountId, blob.Hash, blob.Size);
                await usage.FlushAsync(ct);
            }
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        if (!needsApproval)
            trigger.SendSoon();
        await feed.PublishAsync(new TicketChange(ticket.AccountId, ticket.InboxId, ticket.Id, TicketChangeKind.Changed), ct);
        return await OutboxAccess.ViewAsync(db, sent, ct) with { HardBouncedRecipients = hardBounced.Count > 0 ? hardBounced : null };
    }

    public static Error NotRejected() =>
        new(ErrorKind.Conflict, "not_rejected", "Only a reply that was sent back (差し戻し) can be edited and submitted again.");

    private static string Format(AddressView a) => new MailboxAddress(a.Name, a.Address).ToString();
}
