using Madoguchi.Core.Accounts;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Tickets;
using Madoguchi.Core.Tickets.Live;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Sending;

/// <summary>承認: a マネージャー (or higher) of the ticket's inbox approves an アシスタント's reply waiting for approval. In one
/// transaction the reply becomes 送信待ち (queued, sent by the outbox as any reply) and the ticket gets the status (and
/// 保留理由) its author chose; an audit entry records who approved. The 承認待ち → queued step is one atomic UPDATE, so two
/// managers approving at once queue it once.</summary>
public sealed class ApproveReplyCommand(MadoguchiDbContext db, TicketEditor editor, AuditTrail audit, SendTrigger trigger, ITicketChangeFeed feed, TimeProvider time)
{
    public async Task<Result<SentMessageView>> HandleAsync(Actor actor, Guid messageId, CancellationToken ct)
    {
        var me = await db.RequireActiveUserAsync(actor, ct);
        if (!me.Succeeded)
            return me.Error!;
        var message = await OutboxAccess.RequireAsync(db, actor, messageId, InboxRole.Manager, ct);
        if (!message.Succeeded)
            return message.Error!;
        var now = time.GetUtcNow().UtcDateTime;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            var outgoing = await db.OutgoingMessages.AsNoTracking().SingleAsync(o => o.TicketMessageId == messageId, ct);
            var changed = await db.OutgoingMessages.Where(o => o.TicketMessageId == messageId && o.State == SendState.AwaitingApproval)
                .ExecuteUpdateAsync(u => u.SetProperty(o => o.State, SendState.Queued).SetProperty(o => o.QueuedAt, now).SetProperty(o => o.NextAttemptAt, now)
                    .SetProperty(o => o.StatusAfter, (TicketStatus?)null).SetProperty(o => o.PendingReasonIdAfter, (Guid?)null), ct);
            if (changed != 1)
                return NotAwaiting();
            // Claim the ticket first (version up in SQL, row held), then read it: a change made meanwhile stays.
            if (!await TicketVersions.ClaimAsync(db, message.Value!.TicketId, expected: null, ct))
                return Error.NotFound("The ticket");
            var ticket = await db.Tickets.SingleAsync(t => t.Id == message.Value!.TicketId, ct);
            var role = await db.RequireRoleAsync(actor, ticket.InboxId, InboxRole.Manager, ct);
            if (!role.Succeeded)
                return role.Error!;
            // The reason may have been deleted while the reply waited: the status still applies.
            var reasonId = outgoing.PendingReasonIdAfter is { } r && await db.PendingReasons.AnyAsync(x => x.Id == r && x.InboxId == ticket.InboxId, ct) ? r : (Guid?)null;
            var applied = await editor.ApplyAsync(actor, me.Value!, ticket, role.Value.Role, ReplyStatus.Edit(outgoing.StatusAfter ?? TicketStatus.Closed, reasonId), ct);
            if (!applied.Succeeded)
                return applied.Error!;
            audit.Record(AuditAction.ReplyApproved, ticket.AccountId, actor, detail: ReplyReview.Detail(ticket, message.Value!));
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            trigger.SendSoon();
            await feed.PublishAsync(new TicketChange(ticket.AccountId, ticket.InboxId, ticket.Id, TicketChangeKind.Changed), ct);
        }
        return await OutboxAccess.ViewAsync(db, message.Value!, ct);
    }

    public static Error NotAwaiting() =>
        new(ErrorKind.Conflict, "not_awaiting_approval", "Only a reply waiting for approval (承認待ち) can be approved or sent back.");
}

internal static class ReplyReview
{
    public static string Detail(Ticket ticket, TicketMessage message) =>
        $"{(ticket.Subject.Length <= 200 ? ticket.Subject : ticket.Subject[..200])} ({message.Id})";
}
