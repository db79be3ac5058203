using Madoguchi.Core.Accounts;
using Madoguchi.Core.Bounces;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Search;
using Madoguchi.Core.Storage;
using Madoguchi.Core.Tickets;
using Madoguchi.Core.Tickets.Live;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Madoguchi.Core.Sending.Compose;

/// <summary>A new mail from an inbox as a client sends it (新規メール). <see cref="StatusAfter"/> and
/// <see cref="PendingReasonId"/> set the new ticket's status as for a reply (default 対応完了). <see cref="AttachmentIds"/>: the
/// writer's uploads (<c>POST /api/v1/uploads</c>), attached with the same checks and limits as a reply's.</summary>
public sealed record NewMailInput(
    Guid? SendAddressId,
    IReadOnlyList<string>? To,
    IReadOnlyList<string>? Cc,
    IReadOnlyList<string>? Bcc,
    string? Subject,
    string? Text,
    string? Html,
    string? StatusAfter,
    Guid? PendingReasonId = null,
    bool ConfirmHardBounced = false,
    IReadOnlyList<Guid>? AttachmentIds = null);

/// <summary>新規メール: opens a ticket whose first message is the mail we send. The same rules as a reply
/// (<see cref="QueueReplyCommand"/>): アシスタント or higher; an アシスタント's mail waits for approval (承認待ち) and the
/// ticket stays 未対応 until a マネージャー approves it; the same recipient, size and hard-bounce checks
/// (<see cref="OutgoingChecks"/>); the original stored as a blob before the rows; the outbox sends it. The ticket is assigned to
/// its author and lists the first To recipient as its customer. Like a reply it writes the ticket's history (and audit log) through
/// <see cref="TicketEditor"/>: the ticket opens 未対応 and sending sets its status (an アシスタント's mail: when approved) and
/// its assignee. The customer's answer names our Message-ID in In-Reply-To, so
/// receiving threads it into this ticket.</summary>
public sealed class QueueNewMailCommand(MadoguchiDbContext db, SearchIndexWriter search, IBlobStore blobs, PendingStorageUsage usage, SendTrigger trigger, ITicketChangeFeed feed,
    TicketEditor editor, IsHardBouncedQuery hardBounces, IOptions<SendingOptions> options, TimeProvider time, ReplyAttachments attachments)
{
    private const int MaxSubject = 1000;

    public async Task<Result<SentMessageView>> HandleAsync(Actor actor, Guid inboxId, NewMailInput input, CancellationToken ct)
    {
        var me = await db.RequireActiveUserAsync(actor, ct);
        if (!me.Succeeded)
            return me.Error!;
        var access = await db.RequireRoleAsync(actor, inboxId, InboxRole.Assistant, ct);
        if (!access.Succeeded)
            return access.Error!;
        var (inbox, role) = access.Value;
        var needsApproval = role < InboxRole.Operator;
        var chosenFrom = OutgoingChecks.ChooseFrom(await db.SendAddresses.AsNoTracking().Where(a => a.InboxId == inboxId).ToListAsync(ct), input.SendAddressId);
        if (!chosenFrom.Succeeded)
            return chosenFrom.Error!;
        var from = chosenFrom.Value!;
        var statusAfter = await ReplyStatus.ReadAsync(db, inboxId, input.StatusAfter, input.PendingReasonId, ct);
        if (!statusAfter.Succeeded)
            return statusAfter.Error!;
        var (status, reasonId) = statusAfter.Value;
        var subject = (input.Subject ?? "").Trim();
        if (subject.Length == 0 || subject.IndexOfAny(['\r', '\n']) >= 0)
            return new Error(ErrorKind.Invalid, "subject_required", "Write a subject on one line.");
        if (string.IsNullOrWhiteSpace(input.Text) && string.IsNullOrWhiteSpace(input.Html))
            return new Error(ErrorKind.Invalid, "text_required", "Write the mail's text.");

        var parsed = OutgoingChecks.ParseAll(input.To, input.Cc, input.Bcc);
        if (!parsed.Succeeded)
            return parsed.Error!;
        var (to, cc, bcc) = parsed.Value;
        var checkedRecipients = await OutgoingChecks.CheckRecipientsAsync(hardBounces, inbox.AccountId, to, cc, bcc, options.Value, input.ConfirmHardBounced, ct);
        if (!checkedRecipients.Succeeded)
            return checkedRecipients.Error!;
        var hardBounced = checkedRecipients.Value!;
        var files = await attachments.LoadAsync(inbox.AccountId, me.Value!.Id, input.AttachmentIds, forwarded: null, forwardedAttachmentIds: null, ct);
        if (!files.Succeeded)
            return files.Error!;

        var now = time.GetUtcNow().UtcDateTime;
        var mail = new OutgoingRows(from, to, cc, bcc, subject, input.Text, input.Html, OutgoingRows.NewMessageId(from), Original: null);
        var stored = await mail.StoreAsync(blobs, options.Value, time.GetUtcNow(), [.. files.Value!.Select(f => f.Part)], ct);
        if (!stored.Succeeded)
            return stored.Error!;
        var blob = stored.Value!;

        var customer = to[0];
        var ticket = new Ticket
        {
            AccountId = inbox.AccountId,
            InboxId = inboxId,
            Subject = Cut(subject, MaxSubject),
            // The ticket opens 未対応; sending sets the chosen status below (an assistant's mail: approval does).
            Status = TicketStatus.Open,
            Place = TicketPlace.Inbox,
            MessageCount = 1,
            CreatedAt = now,
            LastMessageAt = now,
            FromName = Cut(customer.Name ?? "", 300),
            FromAddress = Cut(customer.Address, 320),
            Version = 1,
        };
        ticket.StampRetention(now);
        var sent = mail.Message(ticket, blob, now);
        var outgoing = mail.Outbox(sent, blob, now, me.Value.Id, needsApproval, status, reasonId);
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            db.Tickets.Add(ticket);
            var attached = await attachments.AttachAsync(sent, files.Value!, ct);
            if (!attached.Succeeded)
                return attached.Error!;
            // History and audit as for a reply: the author takes the ticket; the status follows now unless approval is needed.
            var edit = needsApproval ? new TicketEdit() : ReplyStatus.Edit(status, reasonId);
            var applied = await editor.ApplyAsync(actor, me.Value, ticket, role, edit with { SetsAssignee = true, AssigneeId = me.Value.Id }, ct);
            if (!applied.Succeeded)
                return applied.Error!;
            db.TicketMessages.Add(sent);
            db.OutgoingMessages.Add(outgoing);
            await search.WriteAsync(sent, [], mayExist: false, ct);
            usage.Count(inbox.AccountId, blob.Hash, blob.Size);
            await usage.FlushAsync(ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        if (!needsApproval)
            trigger.SendSoon();
        await feed.PublishAsync(new TicketChange(inbox.AccountId, inboxId, ticket.Id, TicketChangeKind.MessageAdded), ct);
        return OutboxViews.Sent(sent, outgoing) with { HardBouncedRecipients = hardBounced.Count > 0 ? hardBounced : null };
    }

    private static string Cut(string value, int max) => value.Length <= max ? value : value[..max];
}
