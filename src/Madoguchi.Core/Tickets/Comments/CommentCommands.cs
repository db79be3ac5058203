using System.Text.RegularExpressions;
using Madoguchi.Core.Accounts;
using Madoguchi.Core.Common;
using Madoguchi.Core.Data;
using Madoguchi.Core.Inboxes;
using Madoguchi.Core.Tickets.Live;
using Madoguchi.Core.Tickets.Notifications;
using Microsoft.EntityFrameworkCore;

namespace Madoguchi.Core.Tickets.Comments;

public sealed record CommentView(Guid Id, Guid TicketId, Guid? AuthorUserId, string AuthorName, string Body, DateTime CreatedAt, IReadOnlyList<Guid> MentionedUserIds);

/// <summary>A ticket's comments, oldest first, for anyone who sees the ticket.</summary>
public sealed class ListCommentsQuery(MadoguchiDbContext db)
{
    public async Task<Result<Page<CommentView>>> HandleAsync(Actor actor, Guid ticketId, PageRequest page, CancellationToken ct)
    {
        var access = await db.RequireTicketAsync(actor, ticketId, InboxRole.Assistant, track: false, ct);
        if (!access.Succeeded)
            return access.Error!;
        var comments = db.TicketComments.AsNoTracking().Where(c => c.TicketId == ticketId);
        var total = await comments.CountAsync(ct);
        var items = await comments.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).Page(page).ToListAsync(ct);
        return new Page<CommentView>(items.Select(c => new CommentView(c.Id, c.TicketId, c.AuthorUserId, c.AuthorName, c.Body, c.CreatedAt, [])).ToList(), total);
    }
}

/// <summary>Adds an internal comment (アシスタント and up may). <c>@mentionName</c> notifies that member of the inbox and
/// <c>@all</c> every member (never the author); names that match nobody are left as plain text.</summary>
public sealed partial class AddCommentCommand(MadoguchiDbContext db, ITicketChangeFeed feed, TimeProvider time)
{
    [GeneratedRegex(@"(?<![\p{L}\p{N}_.@-])@([\p{L}\p{N}_.-]+)")]
    private static partial Regex MentionPattern();

    public async Task<Result<CommentView>> HandleAsync(Actor actor, Guid ticketId, string? body, CancellationToken ct)
    {
        var text = body?.Trim() ?? "";
        if (text.Length == 0 || text.Length > TicketComment.MaxLength)
            return new Error(ErrorKind.Invalid, "invalid_comment", $"A comment has 1 to {TicketComment.MaxLength} characters.");
        var work = await db.RequireWorkOnTicketAsync(actor, ticketId, ct);
        if (!work.Succeeded)
            return work.Error!;
        var (me, ticket, _) = work.Value;
        var now = time.GetUtcNow().UtcDateTime;
        var comment = new TicketComment { AccountId = ticket.AccountId, TicketId = ticketId, AuthorUserId = me.Id, AuthorName = me.DisplayName, Body = text, CreatedAt = now };
        db.TicketComments.Add(comment);

        var names = MentionPattern().Matches(text).Select(m => m.Groups[1].Value.TrimEnd('.', '-')).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var mentioned = new List<Guid>();
        if (names.Count > 0)
        {
            var members = await InboxMembers.Of(db, ticket.AccountId, ticket.InboxId).AsNoTracking()
                .Select(u => new { u.Id, u.MentionName }).ToListAsync(ct);
            var everyone = names.Contains("all");
            mentioned = members.Where(u => u.Id != me.Id && (everyone || (u.MentionName is { Length: > 0 } n && names.Contains(n))))
                .Select(u => u.Id).ToList();
            var snippet = text.Length <= 300 ? text : text[..300];
            db.Notifications.AddRange(mentioned.Select(userId => new Notification
            {
                AccountId = ticket.AccountId, UserId = userId, TicketId = ticketId, Kind = NotificationKind.Mention,
                ActorName = me.DisplayName, Text = snippet, CreatedAt = now,
            }));
        }
        await db.SaveChangesAsync(ct);

        await feed.PublishAsync(new TicketChange(ticket.AccountId, ticket.InboxId, ticketId, TicketChangeKind.Commented), ct);
        foreach (var userId in mentioned)
            await feed.PublishAsync(new TicketChange(ticket.AccountId, ticket.InboxId, ticketId, TicketChangeKind.Notified, userId), ct);
        return new CommentView(comment.Id, ticketId, comment.AuthorUserId, comment.AuthorName, comment.Body, comment.CreatedAt, mentioned);
    }
}
