using Madoguchi.Core.Accounts;
using Madoguchi.Core.Audit;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Tickets;
using Madoguchi.Core.Tickets.Comments;
using Madoguchi.Core.Tickets.Live;
using Madoguchi.Core.Tickets.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Sending;

/// <summary>差し戻し: a マネージャー (or higher) sends an アシスタント's reply back instead of approving it. The reply becomes
/// 差し戻し (rejected: never sent, kept on the ticket with its text so its author can write it again), the manager's
/// comment is added to the ticket as a コメント, the author is notified, and an audit entry records it. The ticket's status
/// does not change.</summary>
public sealed class RejectReplyCommand(MadoguchiDbContext db, AuditTrail audit, ITicketChangeFeed feed, TimeProvider time)
{
    public async Task<Result<SentMessageView>> HandleAsync(Actor actor, Guid messageId, string? comment, CancellationToken ct)
    {
        var text = comment?.Trim() ?? "";
        if (text.Length == 0 || text.Length > TicketComment.MaxLength)
            return new Error(ErrorKind.Invalid, "comment_required", $"Say why the reply goes back: a comment of 1 to {TicketComment.MaxLength} characters.");
        var review = await ReplyReview.StartAsync(db, actor, messageId, time, ct);
        if (!review.Succeeded)
            return review.Error!;
        var (me, message, now) = review.Value!;
        Guid? notified = null;
        Ticket ticket;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            var changed = await db.OutgoingMessages.Where(o => o.TicketMessageId == messageId && o.State == SendState.AwaitingApproval)
                .ExecuteUpdateAsync(u => u.SetProperty(o => o.State, SendState.Rejected)
                    .SetProperty(o => o.StatusAfter, (TicketStatus?)null).SetProperty(o => o.PendingReasonIdAfter, (Guid?)null), ct);
            if (changed != 1)
                return ApproveReplyCommand.NotAwaiting();
            // Claim the ticket first (version up in SQL, row held), then read it: a change made meanwhile stays.
            if (!await TicketVersions.ClaimAsync(db, message.TicketId, expected: null, ct))
                return Error.NotFound("The ticket");
            ticket = await db.Tickets.SingleAsync(t => t.Id == message.TicketId, ct);
            db.TicketComments.Add(new TicketComment
            {
                AccountId = ticket.AccountId, TicketId = ticket.Id, AuthorUserId = me.Id, AuthorName = me.DisplayName, Body = text, CreatedAt = now,
            });
            var author = await db.OutgoingMessages.Where(o => o.TicketMessageId == messageId).Select(o => o.AuthorUserId).SingleAsync(ct);
            if (author is { } authorId && authorId != me.Id)
            {
                db.Notifications.Add(new Notification
                {
                    AccountId = ticket.AccountId, UserId = authorId, TicketId = ticket.Id, Kind = NotificationKind.Mention,
                    ActorName = me.DisplayName, Text = text.Length <= 300 ? text : text[..300], CreatedAt = now,
                });
                notified = authorId;
            }
            audit.Record(AuditAction.ReplyRejected, ticket.AccountId, actor, detail: ReplyReview.Detail(ticket, message));
            ReplyReview.History(db, ticket, me, now, SendState.AwaitingApproval, SendState.Rejected);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        await feed.PublishAsync(new TicketChange(ticket.AccountId, ticket.InboxId, ticket.Id, TicketChangeKind.Commented), ct);
        if (notified is { } user)
            await feed.PublishAsync(new TicketChange(ticket.AccountId, ticket.InboxId, ticket.Id, TicketChangeKind.Notified, user), ct);
        return await OutboxAccess.ViewAsync(db, message, ct);
    }
}
