using Madoguchi.Core.Accounts;
using Madoguchi.Core.Accounts.Users;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Bounces;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Tickets;
using Madoguchi.Core.Tickets.History;
using Madoguchi.Core.Tickets.Live;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Sending;

/// <summary>承認: a マネージャー (or higher) of the ticket's inbox approves an アシスタント's reply waiting for approval. In one
/// transaction the reply becomes 送信待ち (queued, sent by the outbox as any reply) and the ticket gets the status (and
/// 保留理由) its author chose; an audit entry records who approved. The 承認待ち → queued step is one atomic UPDATE, so two
/// managers approving at once queue it once.</summary>
public sealed class ApproveReplyCommand(MadoguchiDbContext db, TicketEditor editor, AuditTrail audit, SendTrigger trigger, ITicketChangeFeed feed,
    IsHardBouncedQuery hardBounces, TimeProvider time)
{
    /// <summary>A recipient that hard-bounced since the reply was written (or that its author confirmed) is named to the
    /// approver with the same 409 <c>recipient_hard_bounced</c> as when sending, unless <paramref name="confirmHardBounced"/>.</summary>
    public async Task<Result<SentMessageView>> HandleAsync(Actor actor, Guid messageId, bool confirmHardBounced, CancellationToken ct)
    {
        var review = await ReplyReview.StartAsync(db, actor, messageId, time, ct);
        if (!review.Succeeded)
            return review.Error!;
        var (me, message, now) = review.Value!;
        var outgoing = await db.OutgoingMessages.AsNoTracking().SingleAsync(o => o.TicketMessageId == messageId, ct);
        if (outgoing.State != SendState.AwaitingApproval)
            return NotAwaiting();
        var hardBounced = await hardBounces.HandleAsync(message.AccountId, outgoing.Recipients.Split('\n', StringSplitOptions.RemoveEmptyEntries), ct);
        if (hardBounced.Count > 0 && !confirmHardBounced)
            return QueueReplyCommand.HardBounced(hardBounced);
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            var changed = await db.OutgoingMessages.Where(o => o.TicketMessageId == messageId && o.State == SendState.AwaitingApproval)
                .ExecuteUpdateAsync(u => u.SetProperty(o => o.State, SendState.Queued).SetProperty(o => o.QueuedAt, now).SetProperty(o => o.NextAttemptAt, now)
                    .SetProperty(o => o.StatusAfter, (TicketStatus?)null).SetProperty(o => o.PendingReasonIdAfter, (Guid?)null), ct);
            if (changed != 1)
                return NotAwaiting();
            // Claim the ticket first (version up in SQL, row held), then read it: a change made meanwhile stays.
            if (!await TicketVersions.ClaimAsync(db, message.TicketId, expected: null, ct))
                return Error.NotFound("The ticket");
            var ticket = await db.Tickets.SingleAsync(t => t.Id == message.TicketId, ct);
            var role = await db.RequireRoleAsync(actor, ticket.InboxId, InboxRole.Manager, ct);
            if (!role.Succeeded)
                return role.Error!;
            // The reason may have been deleted while the reply waited: the status still applies.
            var reasonId = outgoing.PendingReasonIdAfter is { } r && await db.PendingReasons.AnyAsync(x => x.Id == r && x.InboxId == ticket.InboxId, ct) ? r : (Guid?)null;
            var applied = await editor.ApplyAsync(actor, me, ticket, role.Value.Role, ReplyStatus.Edit(outgoing.StatusAfter ?? TicketStatus.Closed, reasonId), ct);
            if (!applied.Succeeded)
                return applied.Error!;
            audit.Record(AuditAction.ReplyApproved, ticket.AccountId, actor, detail: ReplyReview.Detail(ticket, message));
            ReplyReview.History(db, ticket, me, now, SendState.AwaitingApproval, SendState.Queued);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            trigger.SendSoon();
            await feed.PublishAsync(new TicketChange(ticket.AccountId, ticket.InboxId, ticket.Id, TicketChangeKind.Changed), ct);
        }
        return await OutboxAccess.ViewAsync(db, message, ct) with { HardBouncedRecipients = hardBounced.Count > 0 ? hardBounced : null };
    }

    public static Error NotAwaiting() =>
        new(ErrorKind.Conflict, "not_awaiting_approval", "Only a reply waiting for approval (承認待ち) can be approved or sent back.");
}

internal static class ReplyReview
{
    /// <summary>The start of 承認 and 差し戻し: an active reviewer, a sent message of a ticket on whose inbox they are
    /// マネージャー or higher, and the time.</summary>
    public static async Task<Result<(User Me, TicketMessage Message, DateTime Now)>> StartAsync(MadoguchiDbContext db, Actor actor, Guid messageId, TimeProvider time,
        CancellationToken ct)
    {
        var me = await db.RequireActiveUserAsync(actor, ct);
        if (!me.Succeeded)
            return me.Error!;
        var message = await OutboxAccess.RequireAsync(db, actor, messageId, InboxRole.Manager, ct);
        if (!message.Succeeded)
            return message.Error!;
        return (me.Value!, message.Value!, time.GetUtcNow().UtcDateTime);
    }

    public static string Detail(Ticket ticket, TicketMessage message) =>
        $"{(ticket.Subject.Length <= 200 ? ticket.Subject : ticket.Subject[..200])} ({message.Id})";

    /// <summary>The ticket's history line for a reply's step through approval: who moved it from which send state to which.</summary>
    public static void History(MadoguchiDbContext db, Ticket ticket, User me, DateTime now, SendState from, SendState to) =>
        db.TicketHistory.Add(new TicketHistoryEntry
        {
            AccountId = ticket.AccountId, TicketId = ticket.Id, At = now, ActorUserId = me.Id, ActorName = me.DisplayName,
            Field = TicketChangeField.Reply, From = from.ToString(), To = to.ToString(),
        });
}
